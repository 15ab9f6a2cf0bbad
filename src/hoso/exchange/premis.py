"""PREMIS 3 preservation metadata of an archival package: write and read (R-SECRET, R-DIGITIZE).

One `premis.xml` per bag (`hoso.exchange.archive`) describes:
- **objects**: every payload file (identified by its path in the bag, `data/…`), with its
  SHA-256 fixity, size, format (name and version: PDF/A-2B, PDF 1.7, JPEG…), original file
  name, and `derivation` relationships between an original and its preservation copy;
- **events**: what happened to them (ingestion, message digest calculation, fixity check,
  normalization, OCR, signature generation and validation, and the capture of this package),
  each with its outcome, detail, agents and the objects it concerns;
- **agents**: people (usernames) and software (name and version);
- **rights**: a statute-based statement recording that the content is classified.

Only the PREMIS 3 elements hoso uses are written, in the order the PREMIS 3.0 schema
requires. Reading is strict about what hoso itself relies on (fixity and size of each
object) and parses with entity expansion and network access off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

NS = "http://www.loc.gov/premis/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} https://www.loc.gov/standards/premis/premis.xsd"
OBJECT_ID_TYPE = "hoso-bag-path"
EVENT_ID_TYPE = "hoso-event"
AGENT_ID_TYPE = "hoso-agent"
RIGHTS_ID_TYPE = "hoso-rights"
SHA256 = "SHA-256"


class PremisError(ValueError):
    """The PREMIS document cannot be read as hoso wrote it (the message says where)."""


@dataclass(frozen=True)
class PremisObject:
    """One file of the package. `path` is relative to the bag root (`data/…`)."""

    path: str
    sha256: str
    size: int
    format_name: str
    format_version: str = ""
    original_name: str = ""
    has_source: str = ""  # path of the object this one was derived from
    is_source_of: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class PremisEvent:
    identifier: str
    event_type: str  # PREMIS eventType vocabulary (see `models.PreservationEventType`)
    at: datetime
    outcome: str  # success | failure | warning
    detail: str = ""
    agents: tuple[str, ...] = ()  # agent identifiers
    objects: tuple[str, ...] = ()  # object paths


@dataclass(frozen=True)
class PremisAgent:
    identifier: str
    name: str
    agent_type: str  # person | software | organization
    version: str = ""


@dataclass(frozen=True)
class PremisRights:
    identifier: str
    jurisdiction: str
    citation: str
    classification: str  # the dossier's classification, as a reader should see it
    restriction: str
    objects: tuple[str, ...] = ()


@dataclass(frozen=True)
class PremisDocument:
    objects: tuple[PremisObject, ...]
    events: tuple[PremisEvent, ...] = ()
    agents: tuple[PremisAgent, ...] = ()
    rights: tuple[PremisRights, ...] = ()
    by_path: dict[str, PremisObject] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_path.update({o.path: o for o in self.objects})

    def event_types(self) -> set[str]:
        return {e.event_type for e in self.events}


# --- Writing --------------------------------------------------------------------------------------


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(tag))
    if text is not None:
        element.text = text
    return element


def _identifier(parent: etree._Element, prefix: str, kind: str, value: str) -> None:
    ident = _sub(parent, prefix)
    # PREMIS names the parts after the container: objectIdentifierType, …Value.
    base = prefix[: -len("Identifier")] if prefix.endswith("Identifier") else prefix
    _sub(ident, f"{base}IdentifierType", kind)
    _sub(ident, f"{base}IdentifierValue", value)


def _related(parent: etree._Element, kind: str, subtype: str, path: str) -> None:
    relationship = _sub(parent, "relationship")
    _sub(relationship, "relationshipType", kind)
    _sub(relationship, "relationshipSubType", subtype)
    related = _sub(relationship, "relatedObjectIdentifier")
    _sub(related, "relatedObjectIdentifierType", OBJECT_ID_TYPE)
    _sub(related, "relatedObjectIdentifierValue", path)


def _write_object(root: etree._Element, obj: PremisObject) -> None:
    element = _sub(root, "object")
    element.set(f"{{{XSI}}}type", "premis:file")
    _identifier(element, "objectIdentifier", OBJECT_ID_TYPE, obj.path)
    characteristics = _sub(element, "objectCharacteristics")
    _sub(characteristics, "compositionLevel", "0")
    fixity = _sub(characteristics, "fixity")
    _sub(fixity, "messageDigestAlgorithm", SHA256)
    _sub(fixity, "messageDigest", obj.sha256)
    _sub(fixity, "messageDigestOriginator", "hoso")
    _sub(characteristics, "size", str(obj.size))
    fmt = _sub(characteristics, "format")
    designation = _sub(fmt, "formatDesignation")
    _sub(designation, "formatName", obj.format_name)
    if obj.format_version:
        _sub(designation, "formatVersion", obj.format_version)
    if obj.note:
        _sub(fmt, "formatNote", obj.note)
    if obj.original_name:
        _sub(element, "originalName", obj.original_name)
    if obj.has_source:
        _related(element, "derivation", "has source", obj.has_source)
    for derived in obj.is_source_of:
        _related(element, "derivation", "is source of", derived)


def _write_event(root: etree._Element, event: PremisEvent, agent_types: dict[str, str]) -> None:
    element = _sub(root, "event")
    _identifier(element, "eventIdentifier", EVENT_ID_TYPE, event.identifier)
    _sub(element, "eventType", event.event_type)
    _sub(element, "eventDateTime", event.at.isoformat())
    if event.detail:
        _sub(_sub(element, "eventDetailInformation"), "eventDetail", event.detail)
    _sub(_sub(element, "eventOutcomeInformation"), "eventOutcome", event.outcome)
    for agent in event.agents:
        link = _sub(element, "linkingAgentIdentifier")
        _sub(link, "linkingAgentIdentifierType", AGENT_ID_TYPE)
        _sub(link, "linkingAgentIdentifierValue", agent)
        role = "implementer" if agent_types.get(agent) == "person" else "executing program"
        _sub(link, "linkingAgentRole", role)
    for path in event.objects:
        link = _sub(element, "linkingObjectIdentifier")
        _sub(link, "linkingObjectIdentifierType", OBJECT_ID_TYPE)
        _sub(link, "linkingObjectIdentifierValue", path)


def _write_agent(root: etree._Element, agent: PremisAgent) -> None:
    element = _sub(root, "agent")
    _identifier(element, "agentIdentifier", AGENT_ID_TYPE, agent.identifier)
    _sub(element, "agentName", agent.name)
    _sub(element, "agentType", agent.agent_type)
    if agent.version:
        _sub(element, "agentVersion", agent.version)


def _write_rights(root: etree._Element, rights: PremisRights) -> None:
    statement = _sub(_sub(root, "rights"), "rightsStatement")
    _identifier(statement, "rightsStatementIdentifier", RIGHTS_ID_TYPE, rights.identifier)
    _sub(statement, "rightsBasis", "statute")
    statute = _sub(statement, "statuteInformation")
    _sub(statute, "statuteJurisdiction", rights.jurisdiction)
    _sub(statute, "statuteCitation", rights.citation)
    _sub(statute, "statuteNote", rights.classification)
    granted = _sub(statement, "rightsGranted")
    _sub(granted, "act", "access")
    _sub(granted, "restriction", rights.restriction)
    for path in rights.objects:
        link = _sub(statement, "linkingObjectIdentifier")
        _sub(link, "linkingObjectIdentifierType", OBJECT_ID_TYPE)
        _sub(link, "linkingObjectIdentifierValue", path)


def premis_write(document: PremisDocument) -> bytes:
    """The PREMIS 3 XML (UTF-8, with declaration) of `document`."""
    root = etree.Element(_q("premis"), nsmap={"premis": NS, "xsi": XSI})
    root.set("version", "3.0")
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    agent_types = {a.identifier: a.agent_type for a in document.agents}
    for obj in document.objects:
        _write_object(root, obj)
    for event in document.events:
        _write_event(root, event, agent_types)
    for agent in document.agents:
        _write_agent(root, agent)
    for rights in document.rights:
        _write_rights(root, rights)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- Reading --------------------------------------------------------------------------------------


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path, {"p": NS})
    return (found.text or "").strip() if found is not None else ""


def _texts(element: etree._Element, path: str) -> list[str]:
    return [(e.text or "").strip() for e in element.findall(path, {"p": NS})]


def _read_object(element: etree._Element, index: int) -> PremisObject:
    where = f"object thứ {index}"
    if _text(element, "p:objectIdentifier/p:objectIdentifierType") != OBJECT_ID_TYPE:
        raise PremisError(f"{where}: thiếu định danh theo đường dẫn trong gói.")
    path = _text(element, "p:objectIdentifier/p:objectIdentifierValue")
    sha256 = ""
    for fixity in element.findall("p:objectCharacteristics/p:fixity", {"p": NS}):
        if _text(fixity, "p:messageDigestAlgorithm").upper() == SHA256:
            sha256 = _text(fixity, "p:messageDigest").lower()
    if not path or len(sha256) != 64:
        raise PremisError(f"{where} ({path or '?'}): thiếu mã băm SHA-256.")
    size_text = _text(element, "p:objectCharacteristics/p:size")
    if not size_text.isdigit():
        raise PremisError(f"{where} ({path}): thiếu hoặc sai kích thước.")
    has_source = ""
    derived: list[str] = []
    for relationship in element.findall("p:relationship", {"p": NS}):
        subtype = _text(relationship, "p:relationshipSubType")
        target = _text(relationship, "p:relatedObjectIdentifier/p:relatedObjectIdentifierValue")
        if subtype == "has source":
            has_source = target
        elif subtype == "is source of":
            derived.append(target)
    return PremisObject(
        path=path,
        sha256=sha256,
        size=int(size_text),
        format_name=_text(
            element, "p:objectCharacteristics/p:format/p:formatDesignation/p:formatName"
        ),
        format_version=_text(
            element, "p:objectCharacteristics/p:format/p:formatDesignation/p:formatVersion"
        ),
        original_name=_text(element, "p:originalName"),
        has_source=has_source,
        is_source_of=tuple(derived),
        note=_text(element, "p:objectCharacteristics/p:format/p:formatNote"),
    )


def _read_event(element: etree._Element, index: int) -> PremisEvent:
    moment = _text(element, "p:eventDateTime")
    try:
        at = datetime.fromisoformat(moment)
    except ValueError as exc:
        raise PremisError(f"event thứ {index}: thời điểm «{moment}» không đọc được.") from exc
    return PremisEvent(
        identifier=_text(element, "p:eventIdentifier/p:eventIdentifierValue"),
        event_type=_text(element, "p:eventType"),
        at=at,
        outcome=_text(element, "p:eventOutcomeInformation/p:eventOutcome"),
        detail=_text(element, "p:eventDetailInformation/p:eventDetail"),
        agents=tuple(_texts(element, "p:linkingAgentIdentifier/p:linkingAgentIdentifierValue")),
        objects=tuple(_texts(element, "p:linkingObjectIdentifier/p:linkingObjectIdentifierValue")),
    )


def premis_read(data: bytes) -> PremisDocument:
    """Parse what `premis_write` wrote; `PremisError` (Vietnamese) when it cannot."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise PremisError(f"không phải XML hợp lệ ({exc}).") from exc
    if root.tag != _q("premis") or root.get("version") != "3.0":
        raise PremisError("phần tử gốc không phải premis phiên bản 3.0.")
    objects = tuple(
        _read_object(e, i) for i, e in enumerate(root.findall("p:object", {"p": NS}), 1)
    )
    events = tuple(_read_event(e, i) for i, e in enumerate(root.findall("p:event", {"p": NS}), 1))
    agents = tuple(
        PremisAgent(
            identifier=_text(e, "p:agentIdentifier/p:agentIdentifierValue"),
            name=_text(e, "p:agentName"),
            agent_type=_text(e, "p:agentType"),
            version=_text(e, "p:agentVersion"),
        )
        for e in root.findall("p:agent", {"p": NS})
    )
    rights = tuple(
        PremisRights(
            identifier=_text(e, "p:rightsStatementIdentifier/p:rightsStatementIdentifierValue"),
            jurisdiction=_text(e, "p:statuteInformation/p:statuteJurisdiction"),
            citation=_text(e, "p:statuteInformation/p:statuteCitation"),
            classification=_text(e, "p:statuteInformation/p:statuteNote"),
            restriction=_text(e, "p:rightsGranted/p:restriction"),
            objects=tuple(_texts(e, "p:linkingObjectIdentifier/p:linkingObjectIdentifierValue")),
        )
        for e in root.findall("p:rights/p:rightsStatement", {"p": NS})
    )
    paths = [o.path for o in objects]
    if len(paths) != len(set(paths)):
        raise PremisError("có hai object cùng một đường dẫn.")
    return PremisDocument(objects=objects, events=events, agents=agents, rights=rights)
