"""The vocabulary of sparkus: enums, records, the columnar population and JSON.

Records (:class:`Participant`, :class:`Provider`, :class:`Program`, ...) are frozen, slotted attrs
classes checked at construction; :class:`Population` holds many participants as columns;
:func:`to_json` and :func:`from_json` read and write every record and a whole
:class:`ProgramDocument`, and :func:`json_schema` describes each such document as JSON Schema. :func:`schedule_journeys` lays out each participant's journey, and
:class:`EventTable` with :func:`check_events` validates what happened on it.
"""

from sparkus._fields import FrozenMapping
from sparkus.model._columns import Column, ColumnKind
from sparkus.model._document import SCHEMA_VERSION, ProgramDocument
from sparkus.model._enums import (
    AssessmentSource,
    EventKind,
    Goal,
    Level,
    Season,
    StepKind,
    SupportType,
)
from sparkus.model._event_check import EventCheck, RejectedEvent, check_events
from sparkus.model._event_table import EventTable
from sparkus.model._journeys import JourneySchedule, schedule_journeys
from sparkus.model._json_schema import json_schema
from sparkus.model._population import FrameLike, Population
from sparkus.model._progress import JourneyProgress
from sparkus.model._records import (
    Assessment,
    CostModel,
    Event,
    Journey,
    JourneyTemplate,
    Participant,
    Program,
    Provider,
    Step,
)
from sparkus.model._serialize import from_json, structure, to_json, unstructure
from sparkus.model._step_state import StepState
from sparkus.model._templates import default_journey

__all__ = [
    "SCHEMA_VERSION",
    "Assessment",
    "AssessmentSource",
    "Column",
    "ColumnKind",
    "CostModel",
    "Event",
    "EventCheck",
    "EventKind",
    "EventTable",
    "FrameLike",
    "FrozenMapping",
    "Goal",
    "Journey",
    "JourneyProgress",
    "JourneySchedule",
    "JourneyTemplate",
    "Level",
    "Participant",
    "Population",
    "Program",
    "ProgramDocument",
    "Provider",
    "RejectedEvent",
    "Season",
    "Step",
    "StepKind",
    "StepState",
    "SupportType",
    "check_events",
    "default_journey",
    "from_json",
    "json_schema",
    "schedule_journeys",
    "structure",
    "to_json",
    "unstructure",
]
