"""Encode JSON the way Go's ``encoding/json`` does (stdlib only).

Tailscale's recorders write every cast line with ``json.Marshal``; this module
reproduces its observable output so that recordings made by ``ptyrec.py`` are
byte-for-byte shaped like real ones:

* no spaces between tokens, object keys in the order given;
* ``<``, ``>``, ``&`` escaped as ``\\u003c``, ``\\u003e``, ``\\u0026`` (HTML-safe
  escaping is on by default in ``json.Marshal``), U+2028/U+2029 escaped too;
* control characters: ``\\n``, ``\\r``, ``\\t`` short escapes, and since Go 1.22
  also ``\\b`` and ``\\f``; all others ``\\u00XX`` with lower-case hex
  (``legacy=True`` gives the pre-1.22 ``\\u0008``/``\\u000c`` form seen in 2023 files);
* everything else (including DEL and all non-ASCII) written as raw UTF-8;
* invalid UTF-8 bytes are written as the *escape* ``\\ufffd`` - one per bad byte.
  Callers pass such bytes as lone surrogates (``errors="surrogateescape"``);
* float64 in the shortest round-trip form, fixed notation unless the value is
  below 1e-6 or at least 1e21 (then ``1e-07`` is tidied to ``1e-7``), and an
  integral float has no ``.0`` (``2.0`` -> ``2``).
"""

from __future__ import annotations

import math
from decimal import Decimal

_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def go_string(s: str, legacy: bool = False) -> str:
    out = ['"']
    append = out.append
    for ch in s:
        o = ord(ch)
        if ch in _SHORT:
            append(_SHORT[ch])
        elif ch in _HTML:
            append(_HTML[ch])
        elif o < 0x20:
            if not legacy and o == 0x08:
                append("\\b")
            elif not legacy and o == 0x0C:
                append("\\f")
            else:
                append("\\u%04x" % o)
        elif o == 0x2028 or o == 0x2029:
            append("\\u%04x" % o)
        elif 0xD800 <= o <= 0xDFFF:
            # a lone surrogate stands for an undecodable byte: Go writes \ufffd
            append("\\ufffd")
        else:
            append(ch)
    append('"')
    return "".join(out)


def go_float(f: float) -> str:
    if math.isnan(f) or math.isinf(f):
        raise ValueError("Go's encoding/json refuses NaN and Inf")
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    a = abs(f)
    r = repr(f)  # shortest round-trip digits, like strconv.FormatFloat(f, 'g', -1, 64)
    if a < 1e-6 or a >= 1e21:
        # repr always uses exponent form in these ranges: 1e-07, 1.5e+21
        m, _, e = r.partition("e")
        sign, e = e[0], e[1:]
        if sign == "-" and len(e) == 2 and e[0] == "0":
            e = e[1:]  # Go tidies e-07 to e-7
        return f"{m}e{sign}{e}"
    if "e" in r or "E" in r:
        r = format(Decimal(r), "f")
    if r.endswith(".0"):
        r = r[:-2]
    return r


def go_json(obj, legacy: bool = False) -> str:
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        return go_float(obj)
    if isinstance(obj, str):
        return go_string(obj, legacy)
    if isinstance(obj, dict):
        return "{" + ",".join(
            go_string(str(k), legacy) + ":" + go_json(v, legacy) for k, v in obj.items()
        ) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(go_json(v, legacy) for v in obj) + "]"
    raise TypeError(f"cannot encode {type(obj).__name__}")


if __name__ == "__main__":  # tiny self-check
    assert go_float(1.6682777500000001) == "1.6682777500000001"
    assert go_float(2.0) == "2"
    assert go_float(0.00005) == "0.00005"
    assert go_float(1e-7) == "1e-7"
    assert go_float(123456.5) == "123456.5"
    assert go_string("a<b>&\x1b\b\x7f\u2028é") == '"a\\u003cb\\u003e\\u0026\\u001b\\b\x7f\\u2028é"'
    assert go_string("\b", legacy=True) == '"\\u0008"'
    assert go_string(b"x\xffy".decode("utf-8", "surrogateescape")) == '"x\\ufffdy"'
    print("ok")
