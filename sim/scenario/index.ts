/** sim/scenario: the scenario format, its validator, its loader and the seeded plan drawn from it. */
export type { Scenario, When, ByzantineBehaviour, ByzantineGroup, AttackerKind, AttackerGroup, Fault, FaultKind, NetworkSpec } from './types.js'
export { SCENARIO_DEFAULTS } from './types.js'
export { validateScenario, type ScenarioResult } from './validate.js'
export { loadScenario, parseScenarioText } from './load.js'
export { planScenario, type Plan, type PlannedEvent, type Action } from './plan.js'
