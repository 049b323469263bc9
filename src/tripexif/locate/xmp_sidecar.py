"""Writing a placed position into the photo's XMP sidecar (``geotag --write-xmp``).

The sidecar is the one reading/sidecar.py reads back: an existing ``IMG_1234.CR2.xmp`` or
``IMG_1234.xmp`` (any case) is merged into — every other property kept, its GPS position
replaced — else ``IMG_1234.CR2.xmp`` is created (darktable's and digiKam's name, the one the
reader looks for first). Written atomically (a temporary file, then a rename; an existing
file keeps its mode). The position is ``exif:GPSLatitude``/``exif:GPSLongitude`` as XMP
writes them ("48,51.4083000N"), with ``exif:GPSMapDatum`` WGS-84; for a photo whose file
cannot tell its instant (a clock found by alignment, or the user's rule) also
``exif:DateTimeOriginal``: the camera's own wall clock with the offset its clock was at,
so that reading the photo again gives the same instant (and editors show the right time).
A sidecar that is not well-formed XML, declares a DTD or is too large is left alone (an
error naming it). The photo itself is never opened for writing."""

from __future__ import annotations

import contextlib
import io
import os
import re
from xml.etree import ElementTree

from tripexif.errors import TripexifError
from tripexif.reading.containers import MAX_XMP
from tripexif.reading.sidecar import sidecar_path

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EXIF = "http://ns.adobe.com/exif/1.0/"
X = "adobe:ns:meta/"
GPS_PROPERTIES = ("GPSLatitude", "GPSLongitude", "GPSAltitude", "GPSAltitudeRef",
                  "GPSMapDatum")
_DTD = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
PACKET_BEGIN = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
PACKET_END = '\n<?xpacket end="w"?>\n'


class SidecarError(TripexifError):
    """An existing sidecar we will not write into; the message names it."""


def coordinate(value: float, refs: str) -> str:
    """48.8567 -> "48,51.40200000N" (XMP's GPSCoordinate: degrees, decimal minutes, ref)."""
    ref = refs[0] if value >= 0 else refs[1]
    value = abs(value)
    degrees = int(value)
    minutes = (value - degrees) * 60.0
    return f"{degrees},{minutes:.8f}{ref}"


def new_sidecar(lat: float, lon: float, taken: str | None = None) -> str:
    from tripexif import __version__

    time = f'\n    exif:DateTimeOriginal="{taken}"' if taken else ""
    return (f'{PACKET_BEGIN}<x:xmpmeta xmlns:x="{X}" x:xmptk="tripexif {__version__}">\n'
            f' <rdf:RDF xmlns:rdf="{RDF}">\n'
            f'  <rdf:Description rdf:about="" xmlns:exif="{EXIF}"\n'
            f'    exif:GPSLatitude="{coordinate(lat, "NS")}"\n'
            f'    exif:GPSLongitude="{coordinate(lon, "EW")}"\n'
            f'    exif:GPSMapDatum="WGS-84"{time}/>\n'
            f' </rdf:RDF>\n</x:xmpmeta>{PACKET_END}')


def merged(text: str, lat: float, lon: float, shown: str, taken: str | None = None) -> str:
    """``text`` (an XMP sidecar) with its GPS position set to (lat, lon) (and its
    exif:DateTimeOriginal to ``taken``), all else kept."""
    if _DTD.search(text):
        raise SidecarError(f"{shown}: declares a DTD; left as it is")
    body = _without_wrappers(text)
    prefixes: list[tuple[str, str]] = []
    try:
        for _, (prefix, uri) in ElementTree.iterparse(io.StringIO(body), events=("start-ns",)):
            prefixes.append((prefix, uri))
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise SidecarError(f"{shown}: not well-formed XML ({exc}); left as it is") from exc
    for prefix, uri in prefixes:
        if prefix and not re.fullmatch(r"ns\d+", prefix):
            with contextlib.suppress(ValueError):  # a prefix ElementTree reserves
                ElementTree.register_namespace(prefix, uri)
    if not any(uri == EXIF for _, uri in prefixes):
        ElementTree.register_namespace("exif", EXIF)
    descriptions = list(root.iter(f"{{{RDF}}}Description"))
    if not descriptions:
        rdf = root if root.tag == f"{{{RDF}}}RDF" else next(root.iter(f"{{{RDF}}}RDF"), None)
        if rdf is None:
            raise SidecarError(f"{shown}: no rdf:RDF in it, not an XMP sidecar; left as it is")
        descriptions = [ElementTree.SubElement(rdf, f"{{{RDF}}}Description",
                                               {f"{{{RDF}}}about": ""})]
    replaced = (*GPS_PROPERTIES, "DateTimeOriginal") if taken else GPS_PROPERTIES
    for description in descriptions:  # the old values go, wherever they were
        for name in replaced:
            description.attrib.pop(f"{{{EXIF}}}{name}", None)
            for child in description.findall(f"{{{EXIF}}}{name}"):
                description.remove(child)
    target = descriptions[0]
    target.set(f"{{{EXIF}}}GPSLatitude", coordinate(lat, "NS"))
    target.set(f"{{{EXIF}}}GPSLongitude", coordinate(lon, "EW"))
    target.set(f"{{{EXIF}}}GPSMapDatum", "WGS-84")
    if taken:
        target.set(f"{{{EXIF}}}DateTimeOriginal", taken)
    return PACKET_BEGIN + ElementTree.tostring(root, encoding="unicode") + PACKET_END


def _without_wrappers(text: str) -> str:
    """The XML without the ``<?xpacket?>`` and ``<?xml?>`` instructions around it."""
    return re.sub(r"<\?(?:xpacket|xml)\b[^?]*\?>", "", text.lstrip("\ufeff")).strip()


def write_position(photo_path: str, lat: float, lon: float,
                   taken: str | None = None) -> tuple[str, bool]:
    """Put (lat, lon) in the sidecar of the photo at ``photo_path`` (and ``taken``, the
    capture time with the offset of the camera's clock, "2024-04-02T01:53:09+02:00", when
    the photo's file cannot tell it): (its path, whether it existed and was merged into)."""
    from tripexif.export.write import write_atomic

    existing = sidecar_path(photo_path)
    if existing is None:
        path = f"{photo_path}.xmp"
        write_atomic(path, new_sidecar(lat, lon, taken))
        return path, False
    try:
        if os.path.getsize(existing) > MAX_XMP:
            raise SidecarError(f"{existing}: larger than an XMP packet may be; left as it is")
        with open(existing, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise SidecarError(f"{existing}: cannot read it ({exc.strerror or exc})") from exc
    text = raw.decode("utf-8", "strict") if not raw.startswith((b"\xff\xfe", b"\xfe\xff")) \
        else raw.decode("utf-16")
    write_atomic(existing, merged(text, lat, lon, existing, taken))
    return existing, True
