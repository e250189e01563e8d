"""The Recommendations tab: where to spend information.

Five panels, all computed off the GUI thread from the scenario being edited,
one module each, and the tab that assembles them (:mod:`.tab`):

* **Diagnosis** (:mod:`.diagnosis`, :func:`advisor.evaluation.diagnosis.diagnose`):
  which stage binds in each context, the capacity gap, whether labels alone can
  reach the target.
* **Levers** (:mod:`.levers`, :func:`advisor.planning.levers.rank_levers`): every
  small change of the scenario, evaluated and ranked, each with its effect on
  capacity, floor, ceiling and cost; "Apply as a new scenario" stores the
  changed scenario.
* **Time allocation** (:mod:`.allocation`,
  :func:`advisor.evaluation.allocation.optimal_time_allocation`): the water-filled
  shares of the judgment time beside the current ones.
* **Solve for** (:mod:`.solve_for`, :func:`advisor.planning.solve.solve`): the
  raters, seconds, items, target complexity or budget that just meets the target.
* **Optimiser** (:mod:`.optimizer`, :func:`advisor.planning.optimize.optimize`):
  the cheapest design under the constraints, with progress and Cancel, the
  Pareto frontier of cost against floor, and "Save the recommended design".

Diagnosis, levers and allocation are one :func:`advisor.planning.analysis.analyse`;
they and solve-for recompute after a short quiet spell whenever the numbers of
the scenario change (a newer change cancels the running computation); the
optimiser runs when asked, since it searches thousands of designs.

Run ``python -m ui.panels.recommendations`` to open the tab on an example scenario.
"""

from ui.panels.recommendations.tab import RecommendationsWidget, main, preview_recommendations

__all__ = ["RecommendationsWidget", "main", "preview_recommendations"]
