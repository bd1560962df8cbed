"""Build CSV uploads in memory for the import tests."""

import csv
import io


def csv_bytes(header, rows, *, bom=False):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = text.getvalue().encode()
    return b"\xef\xbb\xbf" + data if bom else data


def csv_file(header, rows, *, name="upload.csv", bom=False):
    upload = io.BytesIO(csv_bytes(header, rows, bom=bom))
    upload.name = name
    return upload


def from_dicts(dicts, *, name="upload.csv", bom=False):
    """A CSV file whose header is the keys of the first dict."""
    header = list(dicts[0])
    return csv_file(header, [[d.get(k, "") for k in header] for d in dicts], name=name, bom=bom)


def valid_nhs_number(seed):
    """A valid NHS number of the 999 test range, different for each seed below 500,000.

    Seed s uses body 2s, or 2s + 1 when 2s has no valid check digit (two bodies one apart
    cannot both lack one), so seeds never share a number.
    """
    for n in (2 * seed, 2 * seed + 1):
        body = f"999{n:06d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return body + str(check)
    raise AssertionError("unreachable: one of two consecutive bodies has a check digit")
