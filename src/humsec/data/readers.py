"""Read the user's own tables: CSV/TSV/TXT in any common encoding, Excel, Parquet, Stata, SPSS.

One entry point, :func:`read_table`, picks the reader from the file suffix and returns a
pandas DataFrame. What the file said beyond the values is kept in ``frame.attrs``:

``source``            the path read
``format``            ``csv``, ``excel``, ``parquet``, ``stata`` or ``spss``
``encoding``          text encoding used (text files)
``delimiter``         field separator used (text files)
``first_data_line``   1-based file line (or spreadsheet row) of the first data row
``blank_lines``       1-based lines skipped as blank inside the data (text files)
``hxl``               ``{column: "#tag+attrs"}`` when the file has an HXL hashtag row
``value_labels``      ``{column: {code: label}}`` (Stata/SPSS)
``variable_labels``   ``{column: label}`` (Stata/SPSS)

Problems are raised as :class:`~humsec.errors.DataError` naming the file (and line) and
saying what to do: missing or empty file, ragged CSV rows, undecodable bytes, unknown
suffix, unknown sheet, duplicate header names.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from humsec.data.hashtags import find_hashtag_row
from humsec.data.parquet_footer import parquet_footer
from humsec.errors import ColumnError, DataError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")
STATA_SUFFIXES = (".dta",)
SPSS_SUFFIXES = (".sav", ".zsav", ".por")
SUPPORTED_SUFFIXES = (
    *TEXT_SUFFIXES,
    *(s + ".gz" for s in TEXT_SUFFIXES),
    *EXCEL_SUFFIXES,
    *PARQUET_SUFFIXES,
    *STATA_SUFFIXES,
    *SPSS_SUFFIXES,
)
#: Field separators tried, in order of preference when several fit equally well.
DELIMITERS = (",", "\t", ";", "|")
#: Single-byte Western code page preferred when the detector offers it (a superset of
#: latin-1 for printable characters, and what spreadsheet software writes on Windows).
WESTERN = "cp1252"
_SNIFF_LINES = 50

Labels = Literal["codes", "labels"]
# Spellings of separators that users type on a command line.
_DELIMITER_WORDS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def read_table(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    hxl: bool | None = None,
    labels: Labels = "codes",
    columns: Sequence[str] | None = None,
    decimal: str | None = None,
) -> pd.DataFrame:
    """Read a user table; the format follows the suffix.

    Parameters
    ----------
    path:
        ``.csv .tsv .tab .txt`` (optionally ``.gz``), ``.xlsx .xlsm .xls``, ``.parquet``,
        ``.dta`` (Stata), ``.sav .zsav .por`` (SPSS).
    sheet:
        Excel sheet name or 0-based position (default: the first sheet).
    encoding:
        Text encoding; default: detected (BOM, then strict UTF-8, then charset-normalizer
        with a tie-break towards cp1252 for Latin text; see :func:`decode_bytes`).
    delimiter:
        Field separator; default: sniffed from the first lines among ``, TAB ; |``.
    hxl:
        ``None`` detects an HXL hashtag row automatically, ``True`` requires one, ``False``
        reads the file as plain data.
    labels:
        Stata/SPSS only: ``"codes"`` keeps the stored codes (labels in
        ``attrs["value_labels"]``); ``"labels"`` turns labelled columns into categoricals
        of their labels (codes without a label keep their code as text).
    columns:
        Read only these columns (names checked, with suggestions).
    decimal:
        Text files only: the decimal mark. Default ``"."``, except that a semicolon-separated
        file whose numbers are all written like ``2,5`` is read with ``","`` (the usual
        export of spreadsheet software in many European locales).
    """
    file = _check_file(path)
    suffix = _suffix(file)
    if labels not in ("codes", "labels"):
        raise DataError(
            f"labels={labels!r} is not an option",
            location=str(file),
            hint="use labels='codes' or labels='labels'",
        )
    is_text = suffix in TEXT_SUFFIXES or suffix.endswith(".gz")
    if delimiter is not None:
        delimiter = _DELIMITER_WORDS.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1:
            raise DataError(
                f"delimiter={delimiter!r} must be a single character",
                location=str(file),
                hint="use ',', ';', '|' or 'tab' (or leave it out to detect it)",
            )
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise DataError(
            f"sheet={sheet!r} applies only to Excel workbooks",
            location=str(file),
            hint="drop sheet= for this file",
        )
    if hxl and not (is_text or suffix in EXCEL_SUFFIXES):
        raise DataError(
            "HXL hashtag rows are only read from CSV/TSV and Excel files",
            location=str(file),
            hint="drop hxl=True, or export the table as CSV with its hashtag row",
        )
    if is_text:
        frame = _read_text(
            file,
            suffix,
            encoding=encoding,
            delimiter=delimiter,
            hxl=hxl,
            decimal=decimal,
            columns=columns,
        )
    elif suffix in EXCEL_SUFFIXES:
        frame = _read_excel(file, suffix, sheet=sheet, hxl=hxl)
    elif suffix in PARQUET_SUFFIXES:
        frame = _read_parquet(file, columns)
    elif suffix in STATA_SUFFIXES or suffix in SPSS_SUFFIXES:
        frame = _read_labelled(file, suffix, labels=labels, columns=columns)
    else:  # pragma: no cover - _suffix() has already rejected it
        raise AssertionError(suffix)
    if columns is not None:
        frame = _select(frame, columns, file)
    frame.attrs["source"] = str(file)
    return frame


# --- files and suffixes ----------------------------------------------------------------------
def _check_file(path: str | os.PathLike[str]) -> Path:
    file = Path(path)
    if not file.exists():
        near = (
            did_you_mean(file.name, [p.name for p in file.parent.glob("*")])
            if (file.parent.is_dir())
            else ""
        )
        raise DataError(
            "file not found",
            location=str(file),
            hint=(near + " " if near else "") + "check the path and the working directory",
        )
    if file.is_dir():
        raise DataError(
            "this is a folder, not a file", location=str(file), hint="name a table file inside it"
        )
    if file.stat().st_size == 0:
        raise DataError(
            "the file is empty (0 bytes)",
            location=str(file),
            hint="export the table again; the file has no header and no data",
        )
    return file


def _suffix(file: Path) -> str:
    suffixes = [s.lower() for s in file.suffixes]
    suffix = "".join(suffixes[-2:]) if suffixes[-1:] == [".gz"] else file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DataError(
            f"cannot read files with suffix {suffix or '(none)'!r}",
            location=str(file),
            hint="save the table as one of " + ", ".join(SUPPORTED_SUFFIXES),
        )
    return suffix


def _select(frame: pd.DataFrame, columns: Sequence[str], file: Path) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        names = [str(c) for c in frame.columns]
        tips = [t for t in (did_you_mean(str(m), names) for m in missing) if t]
        raise ColumnError(
            f"column(s) not in the file: {', '.join(map(repr, missing))}",
            location=str(file),
            hint=" ".join(tips) or f"columns: {', '.join(names)}",
        )
    selected = frame.loc[:, list(columns)]
    selected.attrs = {
        k: ({c: v[c] for c in columns if c in v} if isinstance(v, dict) else v)
        for k, v in frame.attrs.items()
    }
    return selected


# --- text ------------------------------------------------------------------------------------
def decode_bytes(raw: bytes, *, encoding: str | None = None, source: str = "") -> tuple[str, str]:
    """Decode file bytes, returning ``(text, encoding)``.

    Order: an explicit ``encoding``; a byte-order mark (UTF-8, UTF-16, UTF-32); strict UTF-8;
    charset-normalizer's guess on the bytes around the first non-UTF-8 byte, narrowed by
    :func:`_guess_encoding` (common encodings only; letters beat symbols; cp1252 wins ties
    for Latin text, and latin-1 takes over when cp1252 cannot map a byte). Undecodable bytes
    raise DataError with the line and byte offset; a workbook, Parquet or PDF file with a
    text suffix is named as such.
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError(
                f"unknown encoding {encoding!r}",
                location=source,
                hint="use a Python codec name such as 'utf-8', 'cp1252', 'latin-1', 'utf-16'",
            ) from None
        return _strict_decode(raw, encoding, source), encoding
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return _strict_decode(raw, name, source), name
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        first_bad = error.start
    for magic, kind, suffix in _BINARY_MAGIC:
        if raw.startswith(magic):
            raise DataError(
                f"this is not a text file but {kind}",
                location=source,
                hint=f"give the file its real suffix ({suffix}) or export it as CSV",
            )
    # Sample around the first byte that is not UTF-8: a large file may be plain ASCII for
    # its first megabytes, which tells the detector nothing.
    window = 1 << 19
    guess = _guess_encoding(raw[max(first_bad - window, 0) : first_bad + window])
    if guess is None:
        raise DataError(
            "cannot tell which text encoding this file uses",
            location=source,
            hint="pass encoding= (e.g. 'cp1252', 'latin-1', 'utf-16') or save the file as UTF-8",
        )
    if guess == WESTERN:
        try:
            return raw.decode(WESTERN), WESTERN
        except UnicodeDecodeError:
            return raw.decode("latin-1"), "latin-1"
    return _strict_decode(raw, guess, source), guess


_BINARY_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook?)", ".xlsx"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (an .xls workbook?)", ".xls"),
    (b"PAR1", "a Parquet file", ".parquet"),
    (b"%PDF", "a PDF document", ".pdf"),
)


def _guess_encoding(sample: bytes) -> str | None:
    """charset-normalizer's guess, with a tie-break that favours letters over symbols.

    Among the guesses with the least "chaos" (plus cp1252), keep those whose decoding turns
    the fewest non-ASCII bytes into symbols or control characters: Polish cp1250 read as
    cp1252 shows ``£`` where ``Ł`` belongs. If cp1252 is still among them and the text has
    no run of three or more non-ASCII letters, cp1252 wins; such runs are what another
    script looks like through cp1252 (``Москва`` in cp1251 reads ``Ìîñêâà``).
    """
    from charset_normalizer import from_bytes

    # A CSV always holds ASCII separators and newlines, which UTF-16/32 store with NUL bytes:
    # without NULs those guesses are wrong (short GBK text is sometimes taken for UTF-16).
    wide_ok = b"\x00" in sample
    results = [
        r
        for r in from_bytes(sample)
        if _common(r.encoding) and (wide_ok or not r.encoding.startswith(("utf_16", "utf_32")))
    ]
    candidates: list[str] = []
    if results:
        best = min(r.chaos for r in results)
        candidates = [r.encoding for r in results if r.chaos <= best + 1e-9]
    candidates = list(dict.fromkeys([*candidates, WESTERN]))
    scores = {c: n for c in candidates if (n := _symbols(sample, c)) is not None}
    if not scores:
        return None
    least = min(scores.values())
    tied = [c for c in candidates if scores.get(c) == least]
    if WESTERN in tied and not _long_letter_runs(sample.decode(WESTERN)):
        return WESTERN
    others = [c for c in tied if c != WESTERN]
    if others:
        return others[0]
    return WESTERN if results else None


#: Encodings that tables are actually saved in: Windows and ISO code pages, the East Asian
#: national encodings, KOI8 and UTF-16/32. DOS and Mac code pages are left out: on a few
#: bytes the detector often ranks them first, yet spreadsheets have not written them for
#: decades (pass encoding= to read one).
COMMON_ENCODINGS = frozenset(
    [f"cp{n}" for n in (874, 932, 936, 949, 950, *range(1250, 1259))]
    + [f"iso8859-{n}" for n in range(1, 17)]
    + [
        "koi8-r",
        "koi8-u",
        "shift_jis",
        "euc_jp",
        "gb2312",
        "gbk",
        "gb18030",
        "big5",
        "big5hkscs",
        "euc_kr",
        "tis-620",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "utf-32-le",
        "utf-32-be",
    ]
)


def _common(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in COMMON_ENCODINGS
    except LookupError:
        return False


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _symbols(sample: bytes, encoding: str) -> int | None:
    """How many non-ASCII characters decode to something other than a letter, mark,
    punctuation or space; ``None`` when the bytes do not decode at all."""
    try:
        text = sample.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return sum(
        1
        for run in _NON_ASCII.findall(text)
        for ch in run
        if unicodedata.category(ch)[0] not in "LMPZ"
    )


def _long_letter_runs(text: str) -> bool:
    return any(
        sum(1 for ch in run if ch.isalpha()) >= 3 and len(run) >= 3
        for run in _NON_ASCII.findall(text)
    )


def _strict_decode(raw: bytes, encoding: str, source: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            f"bytes at offset {error.start} (line {line}) are not valid {encoding}",
            location=source,
            hint="pass the right encoding= (e.g. 'cp1252', 'latin-1', 'utf-16') or save the "
            "file as UTF-8",
        ) from None


def sniff_delimiter(text: str, suffix: str = ".csv") -> str:
    """Pick the separator that splits the first lines into the same number (> 1) of fields.

    Each candidate in :data:`DELIMITERS` is scored by how many of the first 50 non-blank
    records have the same field count as the first; ties go to the larger field count, then
    to the suffix's convention (tab for ``.tsv``/``.tab``), then to the order listed. When
    no candidate splits the header, the file has one column and a separator that splits no
    line is returned.
    """
    sample_lines = list(
        itertools.islice((ln for ln in text.splitlines() if ln.strip()), _SNIFF_LINES)
    )
    sample = "\n".join(sample_lines)
    preferred = "\t" if suffix.startswith((".tsv", ".tab")) else ","
    scores: list[tuple[int, int, int, int, str]] = []
    single: list[str] = []
    for order, candidate in enumerate(DELIMITERS):
        rows = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
        counts = [len(r) for r in rows if r]
        if counts and all(c == 1 for c in counts):
            single.append(candidate)
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        scores.append((consistent, counts[0], candidate == preferred, -order, candidate))
    if not scores:
        # One column: pick a separator that occurs nowhere, so values with commas stay whole.
        return preferred if preferred in single or not single else single[0]
    return max(scores)[4]


def _read_text(
    file: Path,
    suffix: str,
    *,
    encoding: str | None,
    delimiter: str | None,
    hxl: bool | None,
    decimal: str | None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    import pandas as pd

    raw = file.read_bytes()
    if suffix.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise DataError(
                f"cannot decompress: {error}",
                location=str(file),
                hint="check that the file is a complete gzip archive",
            ) from None
    text, used = decode_bytes(raw, encoding=encoding, source=str(file))
    _check_text(text, file)
    head_text = text[: 1 << 16]
    sep = delimiter or sniff_delimiter(head_text, suffix)
    head = list(itertools.islice(csv.reader(io.StringIO(head_text, newline=""), delimiter=sep), 26))
    records = [r for r in head if _width(r) > 0]  # blank lines as pandas sees them
    if not records:
        raise DataError(
            "the file holds no header row: its first lines are blank or whitespace",
            location=str(file),
            hint="export the table again; the first non-blank line must name the columns",
        )
    tag_index = find_hashtag_row(records) if hxl is not False else None
    if hxl and tag_index is None:
        raise ColumnError(
            "no HXL hashtag row found in the first 25 rows",
            location=str(file),
            hint="add a row of hashtags such as '#country+code' under the header row",
        )
    # The header is the first non-blank record, or the hashtag row of an HXL file.
    header_pos = 0 if tag_index is None else tag_index
    n_lines = _simple_lines(raw, sep, len(records[0]), used) if tag_index is None else None
    if n_lines is None:
        layout = _checked_layout(raw, text, used, sep, header_pos, file)
        header_record = int(np.flatnonzero(layout.counts > 0)[header_pos])
        header_line = int(layout.lines[header_record])
        body = layout.counts[header_record + 1 :]
        blank_lines = tuple(
            int(i) for i in layout.lines[np.flatnonzero(body == 0)[:1000] + header_record + 1]
        )
        n_rows = int((body > 0).sum())
    else:
        header_line, blank_lines, n_rows = 1, (), n_lines - 1
    if tag_index is None:
        # empty header cells (trailing separators from spreadsheets) get a positional name
        names = [c.strip() or f"column_{i + 1}" for i, c in enumerate(records[0])]
        tags: dict[str, str] = {}
    else:
        names, tags = _hxl_names(records, tag_index, file)
    _check_names(names, file, header_line=header_line)
    mark = decimal or _sniff_decimal(records[header_pos + 1 :], sep)
    if columns is not None:
        # check the names now, then let the parser skip the other columns entirely
        _select(pd.DataFrame(columns=names), columns, file)
    del head_text
    try:
        frame = pd.read_csv(
            io.BytesIO(raw),
            encoding=used,
            sep=sep,
            header=header_pos,  # counts non-blank records; rows above it are dropped
            names=names,
            skip_blank_lines=True,
            engine="c",
            low_memory=False,  # infer one dtype per column from all rows, not per chunk
            decimal=mark,
            usecols=list(columns) if columns is not None else None,
        )
    except pd.errors.ParserError as error:
        if n_lines is not None:
            _checked_layout(raw, text, used, sep, header_pos, file)  # names the ragged line
        raise DataError(
            f"cannot parse the file: {error}",
            location=str(file),
            hint="check quoting on the line named; quote values that contain the separator",
        ) from None
    if n_lines is not None and not (
        len(frame) == n_rows and frame.index.equals(pd.RangeIndex(n_rows))
    ):
        # pandas turns surplus leading fields into an index instead of failing
        _checked_layout(raw, text, used, sep, header_pos, file)
    if frame.empty:
        raise DataError(
            "the file has a header but no data rows",
            location=str(file),
            hint="export the table again with its data",
        )
    frame.attrs.update(format="csv", encoding=used, delimiter=sep, decimal=mark)
    if len(frame) == n_rows:
        frame.attrs.update(first_data_line=header_line + 1, blank_lines=blank_lines)
    # else pandas and the line scan disagree on where rows are (an odd quoting case): give
    # row positions rather than wrong file lines
    if tags:
        frame.attrs["hxl"] = tags
    return frame


def _check_text(text: str, file: Path, *, first_line: int = 1) -> None:
    """Blank files and NUL characters (a binary file, or a text file damaged in transfer)."""
    if not text or text.isspace():
        raise DataError(
            "the file holds only blank lines", location=str(file), hint="export the table again"
        )
    nul = text.find("\x00")
    if nul >= 0:
        line = first_line + text.count("\n", 0, nul)
        raise DataError(
            f"the file holds NUL characters (first on line {line}): it is binary or damaged",
            location=f"{file}:{line}",
            hint="export the table again as CSV; if it is UTF-16 text, pass encoding='utf-16'",
        )


@dataclass(frozen=True)
class TableFormat:
    """What :func:`check_table` found: enough for a lazy scanner to read the file as
    :func:`read_table` would (same separator, encoding and decimal mark)."""

    path: Path
    format: str
    columns: tuple[str, ...]
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None


#: Bytes of a text file that :func:`check_table` scans at its start and at its end.
CHECK_HEAD_BYTES = 1 << 22
CHECK_TAIL_BYTES = 1 << 16


def check_table(path: str | os.PathLike[str]) -> TableFormat:
    """Run :func:`read_table`'s checks on a file without loading it.

    For engines that scan files lazily (Polars, DuckDB, Dask): a missing, empty or folder path,
    an unknown suffix, undecodable text, NUL bytes, no header, duplicate header names, ragged
    (including truncated) rows, no data rows and an unreadable Parquet footer raise the same
    :class:`~humsec.errors.DataError` as :func:`read_table`. Text files are checked in full up
    to ``CHECK_HEAD_BYTES``; beyond that, the first ``CHECK_HEAD_BYTES`` and the last line (a
    truncated file ends with a short row). Stata, SPSS and Excel files are only checked for
    existence and suffix: they are read whole by :func:`read_table` anyway.
    """
    file = _check_file(path)
    suffix = _suffix(file)
    if suffix in PARQUET_SUFFIXES:
        return _check_parquet(file)
    if not (suffix in TEXT_SUFFIXES or suffix.endswith(".gz")):
        kind = "excel" if suffix in EXCEL_SUFFIXES else "stata" if suffix == ".dta" else "spss"
        return TableFormat(file, kind, ())
    if suffix.endswith(".gz"):
        try:
            with gzip.open(file, "rb") as stream:
                raw = stream.read(CHECK_HEAD_BYTES + 1)
        except (OSError, EOFError) as error:
            raise DataError(
                f"cannot decompress: {error}",
                location=str(file),
                hint="check that the file is a complete gzip archive",
            ) from None
        whole = len(raw) <= CHECK_HEAD_BYTES
    else:
        with file.open("rb") as stream:
            raw = stream.read(CHECK_HEAD_BYTES + 1)
        whole = len(raw) <= CHECK_HEAD_BYTES
    if not whole:
        raw = raw[: raw.rfind(b"\n") + 1] or raw[:CHECK_HEAD_BYTES]  # whole lines only
    text, used = decode_bytes(raw, source=str(file))
    _check_text(text, file)
    if whole and _byte_scannable(used) and raw.count(b'"') % 2:
        line = raw[: raw.rfind(b'"')].count(b"\n") + 1
        raise DataError(
            "a quote (\") is opened but never closed, so the rest of the file would be one value",
            location=f"{file}:{line}",
            hint='close the quote on that line, or write a literal quote inside a quoted value '
            'as ""',
        )
    sep = sniff_delimiter(text[: 1 << 16], suffix)
    layout = _checked_layout(raw, text, used, sep, 0, file)
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    names = [c.strip() or f"column_{i + 1}" for i, c in enumerate(header)]
    header_record = int(np.flatnonzero(layout.counts > 0)[0])
    _check_names(names, file, header_line=int(layout.lines[header_record]))
    if not whole and not suffix.endswith(".gz"):
        _check_last_line(file, used, sep, len(names))
    rows = list(itertools.islice(csv.reader(io.StringIO(text[: 1 << 16], newline=""),
                                            delimiter=sep), 26))
    return TableFormat(
        file, "csv", tuple(names), encoding=used, delimiter=sep,
        decimal=_sniff_decimal(rows[1:], sep),
    )  # fmt: skip


def _check_last_line(file: Path, encoding: str, sep: str, expected: int) -> None:
    size = file.stat().st_size
    with file.open("rb") as stream:
        stream.seek(max(size - CHECK_TAIL_BYTES, 0))
        tail = stream.read()
    lines = [ln for ln in tail.split(b"\n")[1:] if ln.strip()]
    if not lines:
        return
    try:
        last = lines[-1].decode(encoding)
    except UnicodeDecodeError:
        raise DataError(
            f"the end of the file is not valid {encoding}",
            location=str(file),
            hint="the file may be truncated or mixed; export it again",
        ) from None
    fields = next(csv.reader([last], delimiter=sep), [])
    if len(fields) != expected:
        raise DataError(
            f"the last line has {len(fields)} fields but the header has {expected}: the file "
            "looks truncated",
            location=f"{file}:last line",
            hint="copy or export the file again completely",
        )


def _check_parquet(file: Path) -> TableFormat:
    # The footer is read without pyarrow when it is intact (a DuckDB or Polars scan then
    # never imports it); pyarrow reads, and describes, anything else.
    footer = parquet_footer(file)
    if footer is not None:
        num_rows, names = footer
    else:
        import pyarrow.parquet as pq

        try:
            meta = pq.read_metadata(file)
            names = tuple(meta.schema.to_arrow_schema().names)
            num_rows = meta.num_rows
        except Exception as error:
            raise DataError(
                f"cannot read the Parquet file: {error}",
                location=str(file),
                hint="check that the file is complete and was written as Parquet",
            ) from None
    if num_rows == 0:
        raise DataError(
            "the Parquet file has columns but no data rows",
            location=str(file),
            hint="write the table again with its data",
        )
    return TableFormat(file, "parquet", names)


def _simple_lines(raw: bytes, sep: str, expected: int, encoding: str) -> int | None:
    """Number of lines when a quick count proves the file regular, else ``None``.

    Regular means: an ASCII-compatible encoding, no quotes, no lone CR, no blank line, and
    exactly ``(expected - 1) * lines`` separators. Together with pandas raising on (or, for
    a first row, indexing by) surplus fields, that total rules out short rows too, so the
    per-line scan of :func:`_checked_layout` is only needed when something is off.
    """
    if len(sep) != 1 or not _byte_scannable(encoding) or b'"' in raw:
        return None
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return None
    body = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    if body.startswith((b"\n", b"\r\n")) or b"\n\n" in body or b"\n\r\n" in body:
        return None
    n_lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if body.count(sep.encode("ascii")) != (expected - 1) * n_lines:
        return None
    return n_lines


def _checked_layout(
    raw: bytes, text: str, encoding: str, sep: str, header_pos: int, file: Path
) -> _Layout:
    """Scan every record; raise DataError for no header, ragged rows or no data rows."""
    layout = _layout(raw, text, encoding, sep)
    nonblank = np.flatnonzero(layout.counts > 0)
    if nonblank.size <= header_pos:
        raise DataError(
            "the file holds no header row: every line is blank or whitespace",
            location=str(file),
            hint="export the table again; the first non-blank line must name the columns",
        )
    header_record = int(nonblank[header_pos])
    expected = int(layout.counts[header_record])
    body = layout.counts[header_record + 1 :]
    ragged = np.flatnonzero((body != expected) & (body > 0))
    if ragged.size and layout.fast:
        # The byte scan treats every '"' as a quote; confirm with the csv module's rules.
        layout = _layout(raw, text, encoding, sep, fast=False)
        body = layout.counts[header_record + 1 :]
        ragged = np.flatnonzero((body != expected) & (body > 0))
    if ragged.size:
        first = header_record + 1 + int(ragged[0])
        line = int(layout.lines[first])
        raise DataError(
            f"line {line} has {int(layout.counts[first])} fields but the header has {expected} "
            f"({ragged.size} ragged row(s) in total)",
            location=f"{file}:{line}",
            hint=f"check for a missing or extra {_name(sep)} or an unclosed quote on that "
            "line; quote values that contain the separator",
        )
    if not (body > 0).any():
        raise DataError(
            "the file has a header but no data rows",
            location=str(file),
            hint="export the table again with its data",
        )
    return layout


_COMMA_NUMBER = re.compile(r"^\s*-?\d+,\d+\s*$")
_POINT_NUMBER = re.compile(r"^\s*-?\d+\.\d+\s*$")


def _sniff_decimal(rows: list[list[str]], sep: str) -> str:
    """``","`` when a semicolon file writes fractions only as ``2,5`` in its first rows."""
    if sep != ";":
        return "."
    cells = [c for row in rows for c in row]
    commas = sum(1 for c in cells if _COMMA_NUMBER.match(c))
    points = sum(1 for c in cells if _POINT_NUMBER.match(c))
    return "," if commas > 0 and points == 0 else "."


@dataclass(frozen=True)
class _Layout:
    """Fields per csv record (0 = blank line) and the 1-based file line each record starts on."""

    counts: np.ndarray
    lines: np.ndarray
    fast: bool


def _byte_scannable(encoding: str) -> bool:
    """UTF-8 and single-byte ASCII-compatible code pages: separators are plain ASCII bytes."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return True
    try:
        single = len("\u00e9".encode(encoding, errors="replace")) == 1
        return single and ',\t;|"\r\n'.encode(encoding) == b',\t;|"\r\n'
    except (LookupError, UnicodeError):
        return False


def _layout(raw: bytes, text: str, encoding: str, sep: str, *, fast: bool = True) -> _Layout:
    """Count fields per record, vectorised over the bytes when the encoding allows.

    The byte scan marks positions inside quotes by the parity of the running count of '"'
    (an escaped quote '""' flips it twice), so separators and newlines inside quoted values
    are ignored; otherwise it falls back to the csv module, which applies the same rules.
    """
    if fast and len(sep) == 1 and _byte_scannable(encoding):
        scanned = _layout_bytes(raw, sep)
        if scanned is not None:
            return scanned
    records = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    counts = np.fromiter(map(_width, records), dtype=np.int64)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    ends = np.fromiter((reader.line_num for _ in reader), dtype=np.int64, count=counts.size)
    starts = np.concatenate([[1], ends[:-1] + 1]) if ends.size else ends
    return _Layout(counts, starts, fast=False)


def _width(record: list[str]) -> int:
    """Fields in a csv record, 0 for a line pandas skips as blank (only spaces and tabs)."""
    if len(record) == 1 and record[0] and not record[0].strip(" \t"):
        return 0  # a quoted empty value ('""') is data, not a blank line
    return len(record)


def _layout_bytes(raw: bytes, sep: str) -> _Layout | None:
    data = np.frombuffer(raw, dtype=np.uint8)
    if b"\r" in raw:
        after_cr = np.flatnonzero(data == 13) + 1
        if after_cr[-1] >= data.size or (data[after_cr] != 10).any():
            return None  # old Mac line ends (a lone CR): the csv module splits those lines
    newlines = np.flatnonzero(data == 10)
    if b'"' in raw:
        # A byte is outside quotes when an even number of '"' precede it.
        quotes = np.flatnonzero(data == ord('"'))
        if quotes.size % 2:
            return None  # an unclosed quote: let the csv module report it
        terminators = newlines[(np.searchsorted(quotes, newlines) & 1) == 0]
        seps = np.flatnonzero(data == ord(sep))
        seps = seps[(np.searchsorted(quotes, seps) & 1) == 0]
    else:
        terminators = newlines
        seps = np.flatnonzero(data == ord(sep))
    ends = terminators
    if data.size and data[-1] != 10:
        ends = np.append(terminators, data.size)
    starts = np.concatenate([[0], terminators + 1])[: ends.size]
    n_sep = np.searchsorted(seps, ends) - np.searchsorted(seps, starts)
    length = ends - starts
    last = data[np.maximum(ends - 1, 0)]
    length = length - ((length > 0) & (last == 13))
    # Lines without a separator that hold only spaces and tabs are blank to pandas too.
    maybe_blank = np.flatnonzero((n_sep == 0) & (length > 0))
    if maybe_blank.size:
        text_bytes = ~np.isin(data, np.array([9, 10, 13, 32], dtype=np.uint8))
        bounds = np.column_stack([starts[maybe_blank], ends[maybe_blank]]).ravel()
        sums = np.add.reduceat(np.append(text_bytes, False), bounds, dtype=np.int64)[::2]
        length[maybe_blank[sums == 0]] = 0
    counts = np.where(length > 0, n_sep + 1, 0).astype(np.int64)
    lines = np.searchsorted(newlines, starts) + 1
    return _Layout(counts, lines.astype(np.int64), fast=True)


def _name(sep: str) -> str:
    return {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}.get(sep, repr(sep))


def _hxl_names(
    records: list[list[str]], tag_index: int, file: Path
) -> tuple[list[str], dict[str, str]]:
    """Column names from the header row above the hashtags (or the tags), and the tag map."""
    import pandas as pd

    tag_row = [str(c).strip() for c in records[tag_index]]
    header = [str(c).strip() for c in records[tag_index - 1]] if tag_index > 0 else []
    names: list[str] = []
    for i, tag in enumerate(tag_row):
        label = header[i] if i < len(header) else ""
        names.append(label or tag or f"column_{i + 1}")
    # Repeated header text is common in HXL files; the hashtag then tells the columns apart.
    seen = pd.Series(names).duplicated(keep=False).to_numpy()
    names = [tag_row[i] if seen[i] and tag_row[i] else n for i, n in enumerate(names)]
    tags = {
        n: " ".join(t.split()).replace(" ", "")
        for n, t in zip(names, tag_row, strict=False)
        if t and t.startswith("#")
    }
    return names, tags


def _check_names(names: list[str], file: Path, header_line: int) -> None:
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ColumnError(
            f"duplicate column name(s) in the header: {', '.join(map(repr, duplicated))}",
            location=f"{file}:{header_line}",
            hint="give every column its own name in the header row",
        )


# --- Excel -----------------------------------------------------------------------------------
def _read_excel(
    file: Path, suffix: str, *, sheet: str | int | None, hxl: bool | None
) -> pd.DataFrame:
    # openpyxl for Office Open XML; calamine (Rust) for legacy .xls (pandas retired xlrd)
    import pandas as pd

    engine: Literal["calamine", "openpyxl"] = "calamine" if suffix == ".xls" else "openpyxl"
    try:
        book = pd.ExcelFile(file, engine=engine)
    except ImportError:
        raise DataError(
            f"reading {suffix} workbooks needs the package python-calamine",
            location=str(file),
            hint="save the workbook as .xlsx, or `pip install python-calamine`",
        ) from None
    except Exception as error:  # openpyxl raises many types for corrupt files
        raise DataError(
            f"cannot open the workbook: {error}",
            location=str(file),
            hint="check that the file is a valid Excel workbook (open and save it again)",
        ) from None
    with book:
        sheets = [str(s) for s in book.sheet_names]
        chosen = _sheet(sheet, sheets, file)
        grid = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object)
    location = f"{file}[{chosen}]"
    full_rows = grid.index
    grid = grid.dropna(how="all").dropna(axis=1, how="all")
    if grid.empty:
        raise DataError("the sheet is empty", location=location, hint="pick another sheet=")
    records = [[_cell_text(v) for v in row] for row in grid.head(26).to_numpy()]
    tag_index = find_hashtag_row(records) if hxl is not False else None
    if hxl and tag_index is None:
        raise ColumnError(
            "no HXL hashtag row found in the first 25 rows",
            location=location,
            hint="add a row of hashtags such as '#country+code' under the header row",
        )
    header_pos = 0 if tag_index is None else tag_index
    first_row = int(grid.index[header_pos]) + 1  # spreadsheet rows are 1-based
    if tag_index is None:
        names = [r.strip() or f"column_{i + 1}" for i, r in enumerate(records[0])]
        tags: dict[str, str] = {}
    else:
        names, tags = _hxl_names(records, tag_index, file)
    _check_names(names, file, header_line=first_row)
    data = grid.iloc[header_pos + 1 :]
    if data.empty:
        raise DataError(
            "the sheet has a header but no data rows", location=location, hint="add data rows"
        )
    frame = pd.DataFrame(
        {name: _infer(data.iloc[:, i]) for i, name in enumerate(names)}
    ).reset_index(drop=True)
    blank = full_rows[(full_rows > grid.index[header_pos]) & (full_rows < grid.index[-1])]
    blank = blank.difference(grid.index)
    frame.attrs.update(
        format="excel",
        sheet=chosen,
        first_data_line=first_row + 1,
        blank_lines=tuple(int(i) + 1 for i in blank[:1000]),
    )
    if tags:
        frame.attrs["hxl"] = tags
    return frame


def _sheet(sheet: str | int | None, sheets: list[str], file: Path) -> str:
    if sheet is None:
        return sheets[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(sheets):
            return sheets[sheet]
        raise DataError(
            f"sheet position {sheet} is out of range (the workbook has {len(sheets)})",
            location=str(file),
            hint=f"sheets: {', '.join(sheets)}",
        )
    if sheet in sheets:
        return sheet
    if sheet.strip().isdigit() and int(sheet) < len(sheets):
        return sheets[int(sheet)]  # "--sheet 1" on a command line means a position
    raise DataError(
        f"no sheet named {sheet!r}",
        location=str(file),
        hint=(did_you_mean(sheet, sheets) + " " if did_you_mean(sheet, sheets) else "")
        + f"sheets: {', '.join(sheets)}",
    )


def _cell_text(value: Any) -> str:
    """Header text of a spreadsheet cell; whole-number floats (2020.0) read as 2020."""
    if _missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _infer(column: pd.Series) -> pd.Series:
    """Give an object column read cell-by-cell the dtype pandas would have inferred."""
    import pandas as pd

    values = column.infer_objects()
    if values.dtype == object:
        numeric = pd.to_numeric(values, errors="coerce")
        if bool((numeric.notna() | values.isna()).all()):
            return numeric
        return values.astype("str").where(values.notna())
    return values


# --- Parquet ---------------------------------------------------------------------------------
def _read_parquet(file: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    import pandas as pd

    schema_names = list(_check_parquet(file).columns)
    if columns is not None:
        _select(pd.DataFrame(columns=schema_names), columns, file)
    frame = pd.read_parquet(file, columns=list(columns) if columns is not None else None)
    frame.attrs.update(format="parquet")
    return frame


# --- Stata and SPSS --------------------------------------------------------------------------
def _read_labelled(
    file: Path, suffix: str, *, labels: Labels, columns: Sequence[str] | None
) -> pd.DataFrame:
    """Read .dta/.sav/.por with pyreadstat, keeping value and variable labels as metadata.

    User-defined missing values (SPSS) and Stata's extended missing values (.a-.z) become
    NaN, as pyreadstat does by default, so they are counted as missing downstream.
    """
    import pyreadstat

    reader: Any = {
        ".dta": pyreadstat.read_dta,
        ".sav": pyreadstat.read_sav,
        ".zsav": pyreadstat.read_sav,
        ".por": pyreadstat.read_por,
    }[suffix]
    usecols = list(columns) if columns is not None else None
    try:
        frame, meta = reader(str(file), apply_value_formats=False, usecols=usecols)
    except Exception as error:
        raise DataError(
            f"cannot read the {'Stata' if suffix == '.dta' else 'SPSS'} file: {error}",
            location=str(file),
            hint="check that the file is complete; if a column name is wrong, check columns=",
        ) from None
    value_labels = {
        column: {_plain(code): str(label) for code, label in mapping.items()}
        for column, mapping in (meta.variable_value_labels or {}).items()
        if column in frame.columns
    }
    variable_labels = {
        column: label
        for column, label in (meta.column_names_to_labels or {}).items()
        if label and column in frame.columns
    }
    if labels == "labels":
        converted = {col: _labelled(frame[col], mapping) for col, mapping in value_labels.items()}
        frame = frame.assign(**converted)
    frame.attrs.update(
        format="stata" if suffix == ".dta" else "spss",
        value_labels=value_labels,
        variable_labels=variable_labels,
    )
    return frame


def _plain(code: Any) -> Any:
    # Labels come back keyed by float for numeric columns; integral codes read better as int.
    if isinstance(code, float) and code.is_integer():
        return int(code)
    return code


def _labelled(column: pd.Series, mapping: dict[Any, str]) -> pd.Series:
    """Codes -> categorical of labels; codes without a label keep their code as text.

    Categories follow the code order, so ordinal scales (1 = never ... 5 = always) stay
    ordered as the questionnaire had them.
    """
    import pandas as pd

    present = [_plain(v) for v in pd.unique(column.dropna())]
    codes = sorted({*mapping, *present}, key=lambda v: (str(type(v)), v))
    text = {code: mapping.get(code, str(code)) for code in codes}
    # dict lookup treats 1.0 and 1 as the same key, so float-coded columns map directly
    categories = list(dict.fromkeys(text[c] for c in codes))
    return pd.Series(
        pd.Categorical(column.map(text), categories=categories),
        index=column.index,
        name=column.name,
    )


__all__ = [
    "DELIMITERS",
    "SUPPORTED_SUFFIXES",
    "TableFormat",
    "check_table",
    "decode_bytes",
    "read_table",
    "sniff_delimiter",
]
