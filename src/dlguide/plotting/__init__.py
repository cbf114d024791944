"""Figures in the book's style: import every helper from here.

- :mod:`dlguide.plotting.charts` -- figures, line and bar charts, image grids, curves, heat maps
- :mod:`dlguide.plotting.diagrams` -- diagrams that one chapter draws (nested regions,
  decision regions, a computation graph, probability panels, an LSTM cell, a Transformer
  encoder block, BERT's input embeddings, a workflow)
- :mod:`dlguide.plotting.interactive` -- figures to explore in the browser (plotly, with
  sliders and lists whose every state is computed at build)
- the style itself is :mod:`dlguide.book.style` (the style file ``dlguide.mplstyle``)

Chapters make figures with these helpers and hand them to :func:`glue_figure`, which
glues the figure for a ``{glue:figure}`` directive (with a caption and alt text) and
closes it, so it is not shown twice.
"""

from dlguide.book.style import PALETTE, use_book_style
from dlguide.plotting.charts import (
    bar_chart,
    confusion_heatmap,
    curve_chart,
    glue_figure,
    image_grid,
    line_chart,
    new_figure,
)
from dlguide.plotting.diagrams import (
    bert_input_diagram,
    decision_regions,
    encoder_block_diagram,
    graph_diagram,
    lstm_cell_diagram,
    nested_regions,
    probability_panels,
    workflow_diagram,
)
from dlguide.plotting.interactive import (
    attention_explorer,
    optimizer_explorer,
    threshold_explorer,
)

__all__ = [
    "PALETTE",
    "attention_explorer",
    "bar_chart",
    "bert_input_diagram",
    "confusion_heatmap",
    "curve_chart",
    "decision_regions",
    "encoder_block_diagram",
    "glue_figure",
    "graph_diagram",
    "image_grid",
    "line_chart",
    "lstm_cell_diagram",
    "nested_regions",
    "new_figure",
    "optimizer_explorer",
    "probability_panels",
    "threshold_explorer",
    "use_book_style",
    "workflow_diagram",
]
