//! text-stats: stdin (UTF-8 text) → stdout `{"bytes":…,"lines":…,"words":…,"top":[["word",count],…]}`, the five
//! most frequent lower-cased words (ties by word). Rust std only (crates.io is not reachable from the builder),
//! built by the builder image for wasm32-wasip2: a wasip1 command wrapped with the preview1 adapter.
use std::collections::BTreeMap;
use std::io::{Read, Write};

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn main() {
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).unwrap();
    let text = match String::from_utf8(input) {
        Ok(t) => t,
        Err(_) => {
            eprintln!("input is not UTF-8");
            std::process::exit(2);
        }
    };
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut words = 0u64;
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        words += 1;
        *counts.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    let mut ranked: Vec<(&String, &u64)> = counts.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let top: Vec<String> = ranked.iter().take(5).map(|(w, n)| format!("[{},{}]", quoted(w), n)).collect();
    let lines = if text.is_empty() { 0 } else { text.lines().count() };
    write!(std::io::stdout(), "{{\"bytes\":{},\"lines\":{},\"words\":{},\"top\":[{}]}}", text.len(), lines, words, top.join(",")).unwrap();
}
