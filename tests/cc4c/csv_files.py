"""Build CSV uploads in memory for the import tests."""

import csv
import io

from cc4c.validators import synthetic_nhs_number


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


valid_nhs_number = synthetic_nhs_number
