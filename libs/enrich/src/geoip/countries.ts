/**
 * Country databases such as the bundled one store only the ISO 3166-1 code;
 * the name comes from ICU (built into Node) and the continent from this table,
 * which uses MaxMind's continent codes so both kinds of database agree.
 */
const CONTINENT_COUNTRIES: Readonly<Record<string, string>> = {
  AF: 'AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW',
  AN: 'AQ BV GS HM TF',
  AS: 'AE AF AM AZ BD BH BN BT CC CN CX GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE',
  EU: 'AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK',
  NA: 'AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA PM PR SV SX TC TT US VC VG VI',
  OC: 'AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS',
  SA: 'AR BO BR CL CO EC FK GF GY PE PY SR UY VE',
};

const CONTINENT_NAMES: Readonly<Record<string, string>> = {
  AF: 'Africa',
  AN: 'Antarctica',
  AS: 'Asia',
  EU: 'Europe',
  NA: 'North America',
  OC: 'Oceania',
  SA: 'South America',
};

const continentByCountry = new Map<string, string>(
  Object.entries(CONTINENT_COUNTRIES).flatMap(([continent, countries]) => countries.split(' ').map((country) => [country, continent] as const)),
);

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

export function continentOfCountry(isoCode: string): string | undefined {
  return continentByCountry.get(isoCode);
}

export function continentName(code: string): string | undefined {
  return CONTINENT_NAMES[code];
}

/** ICU's lookup costs microseconds and a database miss asks for every address; there are fewer than 300 codes. */
const countryNames = new Map<string, string | undefined>();

export function countryName(isoCode: string): string | undefined {
  if (countryNames.has(isoCode)) return countryNames.get(isoCode);
  if (!/^[A-Z]{2}$/.test(isoCode)) return undefined;
  let name: string | undefined;
  try {
    name = regionNames.of(isoCode);
  } catch {
    name = undefined;
  }
  countryNames.set(isoCode, name);
  return name;
}
