"""What the gateway consumes from Kafka: one projection per read model, each its own consumer group.

Each is a `chassis.projection.Dispatch` table from the producers' event types (contracts/) to handlers.
Only pseudonymous ids and public attributes are stored; personal fields are fetched from the registry on
demand and never kept. The SQL that reads these tables is in gateway/tables/.
"""
from __future__ import annotations

from chassis.projection import Projection
from chassis.settings import Settings

from .branches import BranchesProjection
from .campaigns import CampaignsProjection
from .case_figures import CaseFiguresProjection
from .cases import CasesProjection
from .dream_space import DreamSpaceProjection
from .dream_space_lists import DreamSpaceListsProjection
from .face_to_face import FaceToFaceProjection
from .governance import GovernanceProjection
from .joint_meetings import JointMeetingsProjection
from .recommendations import RecommendationsProjection
from .role_models import RoleModelsProjection
from .stations import StationsProjection
from .stations_daily import StationsDailyProjection
from .volunteering import VolunteeringProjection
from .youth import YouthProjection
from .youth_daily import YouthDailyProjection


def projections(settings: Settings) -> list[Projection]:
    """Every projection the gateway runs (each is its own consumer group)."""
    return [YouthProjection(settings), YouthDailyProjection(settings), BranchesProjection(settings),
            StationsProjection(settings), StationsDailyProjection(settings), CasesProjection(settings),
            CaseFiguresProjection(settings), GovernanceProjection(settings),
            JointMeetingsProjection(settings), VolunteeringProjection(settings),
            FaceToFaceProjection(settings), RecommendationsProjection(settings), DreamSpaceProjection(settings),
            RoleModelsProjection(settings), CampaignsProjection(settings), DreamSpaceListsProjection(settings)]
