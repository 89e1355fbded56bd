"""Reading commune indicators from a CSV file (our own layout or INSEE's). No Django here.

One row per commune, one column for its INSEE code (`insee`, `CODGEO`, `code_insee`, `DEPCOM`...),
then one column per indicator. Known columns get a known key:
    aged_75_share  share aged 75 and over (%)      part_75, share_75, ... or INSEE P21_POP75P / P21_POP
    poverty_rate   poverty rate (%)                taux_pauvrete, INSEE Filosofi TP6021
    referrals      referrals by partners           orientations, referrals
    food_shop_km   km to the nearest food shop     distance_commerce, food_shop_km
Any other numeric column is a named indicator of its own. INSEE counts `Pyy_POP75P` and `Pyy_POP` of
the same year give the share `100 * POP75P / POP`. A missing value is allowed: empty, `s` (statistical
secret), `nd`, `NA`, `-`. Problems are reported as `Issue(code, params)`; the caller words them.
"""

import re
from dataclasses import dataclass, field

from grappe.core.tabular import csv_reader
from grappe.core.text import fold

AGED_75 = "aged_75_share"
POVERTY = "poverty_rate"
REFERRALS = "referrals"
FOOD_SHOP = "food_shop_km"
KNOWN_KEYS = (AGED_75, POVERTY, REFERRALS, FOOD_SHOP)
PERCENT_KEYS = {AGED_75, POVERTY}
UNITS = {AGED_75: "%", POVERTY: "%", REFERRALS: "", FOOD_SHOP: "km"}

CODE_HEADERS = {"insee", "codgeo", "code_insee", "codeinsee", "code_commune", "code_commune_insee", "depcom",
                "com", "code", "codecommune", "cog"}
NAME_HEADERS = {"libgeo", "name", "nom", "commune", "libelle", "nom_commune", "lib_commune", "nomcommune"}
ALIASES = {
    AGED_75: {"aged_75_share", "part_75", "part_75_plus", "part_75_ans", "part_75ans", "share_75", "pct_75",
              "part_des_75_ans_et_plus", "part_75_ans_et_plus"},
    POVERTY: {"poverty_rate", "taux_pauvrete", "taux_de_pauvrete", "tx_pauvrete"},
    REFERRALS: {"referrals", "orientations", "nb_orientations", "nombre_orientations"},
    FOOD_SHOP: {"food_shop_km", "distance_commerce", "distance_commerce_alimentaire", "dist_commerce",
                "distance_alimentation", "km_commerce"},
}
MISSING = {"", "s", "nd", "n.d.", "n.d", "na", "n/a", "nan", "-", "secret", "null", "."}
INSEE_POVERTY = re.compile(r"^tp60\d\d$")
INSEE_POP75 = re.compile(r"^p(\d\d)_pop75p$")
INSEE_POP = re.compile(r"^p(\d\d)_pop$")
CODE = re.compile(r"^(\d{5}|2[ab]\d{3})$")


@dataclass(frozen=True)
class Issue:
    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    known: bool
    unit: str = ""


@dataclass
class Row:
    line: int
    code: str
    name: str = ""
    values: dict = field(default_factory=dict)
    issues: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass
class Parsed:
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    issues: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues and all(row.ok for row in self.rows)

    @property
    def valid_rows(self) -> list:
        return [row for row in self.rows if row.ok]

    @property
    def error_rows(self) -> list:
        return [row for row in self.rows if not row.ok]


def simplify(header: str) -> str:
    """Lower case, no accents, words joined by underscores: 'Taux de pauvreté' -> 'taux_de_pauvrete'."""
    return re.sub(r"[^a-z0-9]+", "_", fold(header.strip().lstrip("\ufeff"))).strip("_")


def parse_number(raw: str) -> tuple[float | None, bool]:
    """(value, ok): a missing marker gives (None, True); text that is not a number gives (None, False)."""
    text = raw.strip()
    if text.lower() in MISSING:
        return None, True
    text = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("%", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None, False
    if value != value or value in (float("inf"), float("-inf")):
        return None, False
    return value, True


def normalise_code(raw: str) -> str:
    code = raw.strip().upper()
    if code.isdigit() and len(code) == 4:  # a spreadsheet dropped the leading zero
        code = "0" + code
    return code


def classify(headers: list[str]) -> list[tuple[str, str]]:
    """Map each header to its role: ("code"|"name"|"skip"|"value"|"pop75"|"pop", key)."""
    roles: list[tuple[str, str]] = []
    for header in headers:
        simple = simplify(header)
        if simple in CODE_HEADERS:
            roles.append(("code", ""))
        elif simple in NAME_HEADERS:
            roles.append(("name", ""))
        elif match := INSEE_POP75.match(simple):
            roles.append(("pop75", match.group(1)))
        elif match := INSEE_POP.match(simple):
            roles.append(("pop", match.group(1)))
        elif INSEE_POVERTY.match(simple):
            roles.append(("value", POVERTY))
        elif not simple:
            roles.append(("skip", ""))
        else:
            key = next((known for known, names in ALIASES.items() if simple in names), simple)
            roles.append(("value", key))
    return roles


def parse(text: str) -> Parsed:
    parsed = Parsed()
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        parsed.issues.append(Issue("empty_file"))
        return parsed
    reader = csv_reader(text)
    headers = next(reader)
    roles = classify(headers)
    code_columns = [i for i, (role, _key) in enumerate(roles) if role == "code"]
    if not code_columns:
        parsed.issues.append(Issue("no_code_column", {"headers": ", ".join(h.strip() for h in headers)}))
        return parsed
    code_index = code_columns[0]
    name_index = next((i for i, (role, _key) in enumerate(roles) if role == "name"), None)
    years75 = {key: i for i, (role, key) in enumerate(roles) if role == "pop75"}
    years_pop = {key: i for i, (role, key) in enumerate(roles) if role == "pop"}
    ratio_year = max((year for year in years75 if year in years_pop), default=None)

    columns: list[Column] = []
    value_columns: list[tuple[int, str]] = []
    for index, (role, key) in enumerate(roles):
        if role == "value" and key not in {c.key for c in columns}:
            columns.append(Column(key, headers[index].strip(), key in KNOWN_KEYS, UNITS.get(key, "")))
            value_columns.append((index, key))
        elif role == "pop75" and key != ratio_year:
            name = simplify(headers[index])
            columns.append(Column(name, headers[index].strip(), False))
            value_columns.append((index, name))
    if ratio_year is not None and AGED_75 not in {c.key for c in columns}:
        columns.insert(0, Column(AGED_75, f"P{ratio_year}_POP75P / P{ratio_year}_POP", True, "%"))
    else:
        ratio_year = None
    if not columns:
        parsed.issues.append(Issue("no_indicator_column"))
        return parsed
    parsed.columns = columns

    seen: dict[str, int] = {}
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells + [""] * (len(headers) - len(cells))
        row = Row(line=line_number, code=normalise_code(cells[code_index]),
                  name=cells[name_index].strip() if name_index is not None else "")
        parsed.rows.append(row)
        if not row.code:
            row.issues.append(Issue("missing_code"))
        elif not CODE.match(row.code.lower()):
            row.issues.append(Issue("bad_code", {"code": row.code}))
        elif row.code in seen:
            row.issues.append(Issue("duplicate_code", {"code": row.code, "first_line": seen[row.code]}))
        else:
            seen[row.code] = line_number
        if len(cells) > len(headers) and any(cell.strip() for cell in cells[len(headers):]):
            row.issues.append(Issue("too_many_cells", {"expected": len(headers), "found": len(cells)}))
        for index, key in value_columns:
            value, ok = parse_number(cells[index])
            header = headers[index].strip()
            if not ok:
                row.issues.append(Issue("bad_number", {"column": header, "value": cells[index].strip()}))
            elif value is not None and value < 0:
                row.issues.append(Issue("negative", {"column": header, "value": cells[index].strip()}))
            elif value is not None and key in PERCENT_KEYS and value > 100:
                row.issues.append(Issue("over_100", {"column": header, "value": cells[index].strip()}))
            row.values[key] = value
        if ratio_year is not None:
            row.values[AGED_75] = ratio(row, cells, headers, years75[ratio_year], years_pop[ratio_year])
    return parsed


def ratio(row: Row, cells: list[str], headers: list[str], index75: int, index_pop: int) -> float | None:
    """100 * POP75P / POP for the INSEE layout; None when either is missing or the population is 0."""
    old, ok_old = parse_number(cells[index75])
    pop, ok_pop = parse_number(cells[index_pop])
    for ok, index in ((ok_old, index75), (ok_pop, index_pop)):
        if not ok:
            row.issues.append(Issue("bad_number", {"column": headers[index].strip(), "value": cells[index].strip()}))
    if old is None or pop is None or not ok_old or not ok_pop or pop <= 0:
        return None
    if old > pop:
        row.issues.append(Issue("more_old_than_people", {"old": cells[index75].strip(), "pop": cells[index_pop].strip()}))
        return None
    return round(100 * old / pop, 4)
