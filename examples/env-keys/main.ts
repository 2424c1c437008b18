// → {"env_keys": [...]}: the names of the environment variables the run was given, sorted, never their values.
// The secrets test guest (issue 12): it shows which keystore profile keys reached the run without printing a secret.
import { JValue, stringify } from '../lib/json'
import { writeOutput } from '../lib/io'

const names = process.env.keys()
names.sort()
const keys = JValue.array()
for (let i = 0; i < names.length; i++) keys.push(JValue.string(names[i]))
writeOutput(stringify(JValue.object().set('env_keys', keys)))
