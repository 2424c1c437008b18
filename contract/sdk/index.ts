// The binding layer over the raw NEAR host ABI; contracts import from here only.
export * from "./account";
export * from "./bytes";
export * from "./context";
export * from "./events";
export * from "./json";
export * from "./json-fields";
export * from "./json-raw";
export * from "./panic";
export * from "./promise";
export * from "./storage";
export * from "./u128";
