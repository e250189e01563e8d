"""Pure numerics of Annotation Advisor: kernels, capacities, bounds (numpy + scipy only), in nats.

The public API, re-exported here, is the contract ``advisor/`` codes against; the method §1, §3-§5
specify it and ``docs/method.md`` explains it.
"""

from .bounds import (
    CEILING_FORMS,
    FLOOR_FORMS,
    capacity_gap,
    capacity_needed,
    ceiling,
    ceiling_plateau,
    fano_floor,
    fano_floor_prior,
    fano_floors_prior,
    fano_floors,
    items_needed,
    kl_inverse,
)
from .capacity import (
    Capacity,
    binary_symmetric_capacity,
    blahut_arimoto,
    erasure_capacity,
    nominal_capacity,
)
from .channel import (
    AGGREGATION_EFFICIENCY,
    BINDING_STAGES,
    FORMAT_KINDS,
    SATURATION_SHARE,
    QuestionChannel,
    question_channel,
)
from .errors import InvalidArgumentError, ModelError
from .info import binary_entropy, binary_kl, entropy, kl_divergence, mutual_information
from .kernels import (
    binary_symmetric_kernel,
    compose,
    erasure_kernel,
    nominal_kernel,
    nominal_slip_kernel,
    ordinal_kernel,
    ordinal_slip_kernel,
    pairwise_kernel,
    percent_correct,
    symmetric_kernel,
)
from .mallows import (
    effective_swap_probability,
    folded_dispersion,
    kendall_distance,
    mallows_entropy,
    mallows_kernel,
    ranking_capacity,
    ranking_swap_probability,
)
from .panel import compositions, count_kernel, joint_panel_kernel, outcome_count, panel_capacity
from .timing import dprime, hick_hyman_effort, judgment_seconds, reading_seconds

__all__ = [
    "AGGREGATION_EFFICIENCY",
    "BINDING_STAGES",
    "CEILING_FORMS",
    "FLOOR_FORMS",
    "FORMAT_KINDS",
    "SATURATION_SHARE",
    "Capacity",
    "InvalidArgumentError",
    "ModelError",
    "QuestionChannel",
    "binary_entropy",
    "binary_kl",
    "binary_symmetric_capacity",
    "binary_symmetric_kernel",
    "blahut_arimoto",
    "capacity_gap",
    "capacity_needed",
    "ceiling",
    "ceiling_plateau",
    "compose",
    "compositions",
    "count_kernel",
    "dprime",
    "effective_swap_probability",
    "entropy",
    "erasure_capacity",
    "erasure_kernel",
    "fano_floor",
    "fano_floor_prior",
    "fano_floors_prior",
    "fano_floors",
    "folded_dispersion",
    "hick_hyman_effort",
    "items_needed",
    "joint_panel_kernel",
    "judgment_seconds",
    "kendall_distance",
    "kl_divergence",
    "kl_inverse",
    "mallows_entropy",
    "mallows_kernel",
    "mutual_information",
    "nominal_capacity",
    "nominal_kernel",
    "nominal_slip_kernel",
    "ordinal_kernel",
    "ordinal_slip_kernel",
    "outcome_count",
    "pairwise_kernel",
    "panel_capacity",
    "percent_correct",
    "question_channel",
    "ranking_capacity",
    "ranking_swap_probability",
    "reading_seconds",
    "symmetric_kernel",
]
