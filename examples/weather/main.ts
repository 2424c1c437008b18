// Current weather by city or coordinates, from an Open-Meteo-compatible API (no key), as flat fields so replicas
// can be aggregated field by field (README: per_field rules).
// {"city": "Berlin"} or {"latitude": 52.52, "longitude": 13.41}, optional "api" / "geocoding_api" base URLs →
// {"city", "country", "latitude", "longitude", "temperature_c", "humidity_pct", "wind_speed_kmh", "wind_direction_deg", "observed_at"}
import { JValue, parse, stringify, J_ARR, J_STR } from '../lib/json'
import { readJsonInput, writeOutput } from '../lib/io'
import { die, fetch, numberAt } from '../lib/http'

function stringOr (v: JValue | null, key: string, fallback: string): string {
  if (v == null) return fallback
  const s = v.get(key)
  if (s == null || s.kind != J_STR) return fallback
  return s.str
}

/** GET url → its JSON, or exit 1 naming what failed */
function getJson (what: string, url: string): JValue {
  const answer = fetch('GET', url, [['accept', 'application/json']])
  if (!answer.ok) die(what + ': ' + answer.describe())
  const json = parse(answer.body)
  if (json == null) { die(what + ': the answer is not JSON'); return JValue.null() }
  return json
}

function main (): void {
  const input = readJsonInput()
  const api = stringOr(input, 'api', 'https://api.open-meteo.com')
  const geocodingApi = stringOr(input, 'geocoding_api', 'https://geocoding-api.open-meteo.com')
  let latitude = input.numberOr('latitude', NaN)
  let longitude = input.numberOr('longitude', NaN)
  const out = JValue.object()
  const city = stringOr(input, 'city', '')
  if (city.length > 0) {
    const found = getJson('geocoding', geocodingApi + '/v1/search?count=1&format=json&name=' + encodeURIComponent(city))
    const results = found.get('results')
    if (results == null || results.kind != J_ARR || results.items.length == 0) die('no place named ' + city)
    const place = (<JValue>results).items[0]
    latitude = numberAt(place, 'latitude')
    longitude = numberAt(place, 'longitude')
    out.set('city', JValue.string(stringOr(place, 'name', city))).set('country', JValue.string(stringOr(place, 'country', '')))
  } else {
    out.set('city', JValue.null()).set('country', JValue.null())
  }
  if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) die('give "city", or "latitude" in [-90, 90] and "longitude" in [-180, 180]')

  const weather = getJson('weather', api + '/v1/forecast?latitude=' + latitude.toString() + '&longitude=' + longitude.toString() +
    '&current=temperature_2m,relative_humidity_2m,wind_speed_10m,wind_direction_10m')
  const fields = [['temperature_c', 'temperature_2m'], ['humidity_pct', 'relative_humidity_2m'], ['wind_speed_kmh', 'wind_speed_10m'], ['wind_direction_deg', 'wind_direction_10m']]
  out.set('latitude', JValue.number(latitude)).set('longitude', JValue.number(longitude))
  for (let i = 0; i < fields.length; i++) {
    const v = numberAt(weather, 'current.' + fields[i][1])
    if (!isFinite(v)) die('weather: no current.' + fields[i][1] + ' in the answer')
    out.set(fields[i][0], JValue.number(v))
  }
  out.set('observed_at', JValue.string(stringOr(weather.get('current'), 'time', '')))
  writeOutput(stringify(out))
}

main()
