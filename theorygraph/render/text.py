"""What every drawn export does to text it cannot hold.

XML 1.0 cannot hold control characters other than tab, newline and carriage return, nor
U+FFFE, U+FFFF or half of a surrogate pair: GraphML, GEXF, DOT, Mermaid and the figures
write each of them as U+FFFD (the replacement character), since Graphviz and Mermaid draw
SVG, which is XML too.
"""

from __future__ import annotations

import re

__all__ = ["NOT_XML", "REPLACEMENT", "xml_safe"]

#: what an export writes for a character its format cannot hold
REPLACEMENT = "\ufffd"
#: the characters XML 1.0 cannot hold: C0 controls but tab, LF and CR; surrogates;
#: U+FFFE and U+FFFF
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    r"""``text`` with every character XML 1.0 cannot hold replaced by U+FFFD.

    >>> xml_safe("tab\there, bell\x07 and NUL\x00")
    'tab\there, bell\ufffd and NUL\ufffd'
    """
    return NOT_XML.sub(REPLACEMENT, text)
