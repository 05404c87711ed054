from .pages import RoadmapPage
from .snippets import (
    ChangeIdea,
    ChangeIdeaEvidence,
    DataPoint,
    Driver,
    Measure,
    MeasureAnnotation,
    Milestone,
    MilestoneStatusChange,
    Workstream,
)

__all__ = [
    "ChangeIdea",
    "ChangeIdeaEvidence",
    "DataPoint",
    "Driver",
    "Measure",
    "MeasureAnnotation",
    "Milestone",
    "MilestoneStatusChange",
    "RoadmapPage",
    "Workstream",
]
