"""Layer 1: article text -> cleaned text -> extraction records. Pure functions over text and
the data tables of ``kg/data``; no RDF, no store.

    >>> rec = extract_text("وقّع وزير الاتصالات المصري ونظيره الأردني مذكرة تفاهم.", "x")
    >>> rec.countries
    ['EG', 'JO']
"""
from .extractor import extract_text

__all__ = ["extract_text"]
