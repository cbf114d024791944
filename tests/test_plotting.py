"""Tests of dlguide.plotting: the book's figure style and helpers."""

from __future__ import annotations

import itertools

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from dlguide.plotting import (
    PALETTE,
    bar_chart,
    glue_figure,
    image_grid,
    line_chart,
    nested_regions,
    new_figure,
    use_book_style,
)


def test_palette_is_okabe_ito():
    assert len(PALETTE) == len(set(PALETTE)) == 8
    assert PALETTE[:3] == ("#0072B2", "#E69F00", "#009E73")


def test_use_book_style_sets_rcparams():
    mpl.rcParams["axes.spines.right"] = True
    mpl.rcParams["image.cmap"] = "viridis"
    use_book_style()
    assert mpl.rcParams["axes.spines.right"] is False
    assert mpl.rcParams["image.cmap"] == "gray_r"
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == list(PALETTE)


class TestNewFigure:
    def test_single_axes(self):
        fig, ax = new_figure()
        assert isinstance(ax, mpl.axes.Axes)
        assert tuple(fig.get_size_inches()) == pytest.approx((7.0, 3.4))
        assert fig.get_layout_engine() is not None

    def test_grid_of_axes_and_default_height(self):
        fig, axes = new_figure(2, 3, width=9)
        assert axes.shape == (2, 3)
        assert tuple(fig.get_size_inches()) == pytest.approx((9.0, 6.8))

    def test_explicit_height(self):
        fig, _ = new_figure(width=4, height=2.5)
        assert tuple(fig.get_size_inches()) == pytest.approx((4.0, 2.5))

    def test_uses_book_colours(self):
        _, ax = new_figure()
        (line,) = ax.plot([0, 1], [0, 1])
        assert to_hex(line.get_color()).upper() == PALETTE[0]

    @pytest.mark.parametrize(("arg", "value"), [("nrows", 0), ("ncols", -1)])
    def test_bad_counts(self, arg, value):
        with pytest.raises(ValueError, match=rf"^{arg} must be at least 1, got {value}$"):
            new_figure(**{arg: value})

    @pytest.mark.parametrize(("arg", "value"), [("nrows", 1.0), ("ncols", "2")])
    def test_count_of_wrong_type(self, arg, value):
        with pytest.raises(TypeError, match=rf"^{arg} must be an integer"):
            new_figure(**{arg: value})

    @pytest.mark.parametrize("arg", ["width", "height"])
    def test_bad_sizes(self, arg):
        with pytest.raises(
            ValueError, match=rf"^{arg} must be a positive, finite number of inches, got 0$"
        ):
            new_figure(**{arg: 0})
        with pytest.raises(
            ValueError, match=rf"^{arg} must be a positive, finite number of inches, got -1.5$"
        ):
            new_figure(**{arg: -1.5})
        with pytest.raises(TypeError, match=rf"^{arg} must be a number of inches, got "):
            new_figure(**{arg: "3"})
        with pytest.raises(TypeError, match=rf"^{arg} must be a number of inches, got bool"):
            new_figure(**{arg: True})

    @pytest.mark.parametrize("size", [float("nan"), float("inf")])
    def test_non_finite_sizes_name_the_argument(self, size):
        with pytest.raises(ValueError, match=r"^width must be"):
            new_figure(width=size)


class TestLineChart:
    def test_draws_one_line_per_series_with_legend(self):
        _, ax = new_figure()
        out = line_chart(
            ax,
            np.array([1, 2, 3]),
            {"train": [0.5, 0.7, 0.8], "test": np.array([0.4, 0.6, 0.65])},
            xlabel="epoch",
            ylabel="accuracy",
            title="Learning curve",
        )
        assert out is ax
        assert [line.get_label() for line in ax.lines] == ["train", "test"]
        np.testing.assert_array_equal(ax.lines[1].get_ydata(), [0.4, 0.6, 0.65])
        np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
        assert ax.get_xlabel() == "epoch"
        assert ax.get_ylabel() == "accuracy"
        assert ax.get_title() == "Learning curve"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "test"]

    def test_single_series_has_no_legend(self):
        _, ax = new_figure()
        line_chart(ax, [1, 2], {"a": [1, 2]}, xlabel="x", ylabel="y", marker=None)
        assert ax.get_legend() is None
        assert ax.lines[0].get_marker() in (None, "None", "")

    @pytest.mark.parametrize("series", [{}, [("a", [1, 2])], None])
    def test_series_must_be_a_non_empty_mapping(self, series):
        _, ax = new_figure()
        with pytest.raises(TypeError, match=r"^series must be a non-empty mapping"):
            line_chart(ax, [1, 2], series, xlabel="x", ylabel="y")

    def test_lengths_must_match(self):
        _, ax = new_figure()
        with pytest.raises(ValueError, match=r"^expected the same number of rows: x has 3, "):
            line_chart(ax, [1, 2, 3], {"a": [1, 2]}, xlabel="x", ylabel="y")

    def test_nan_values(self):
        _, ax = new_figure()
        with pytest.raises(ValueError, match=r"^series\['a'\] contains NaN"):
            line_chart(ax, [1, 2], {"a": [1, float("nan")]}, xlabel="x", ylabel="y")
        with pytest.raises(ValueError, match=r"^x contains NaN"):
            line_chart(ax, [1, float("nan")], {"a": [1, 2]}, xlabel="x", ylabel="y")

    def test_bad_shapes_and_empty(self):
        _, ax = new_figure()
        with pytest.raises(ValueError, match=r"^x must be a 1-D array"):
            line_chart(ax, [[1, 2]], {"a": [1, 2]}, xlabel="x", ylabel="y")
        with pytest.raises(ValueError, match=r"^series\['a'\] must be a 1-D array"):
            line_chart(ax, [1, 2], {"a": [[1, 2]]}, xlabel="x", ylabel="y")
        with pytest.raises(ValueError, match=r"^x must have at least 1 rows"):
            line_chart(ax, [], {"a": []}, xlabel="x", ylabel="y")

    def test_bad_labels(self):
        _, ax = new_figure()
        with pytest.raises(TypeError, match=r"^series label must be a string"):
            line_chart(ax, [1], {1: [1]}, xlabel="x", ylabel="y")
        with pytest.raises(ValueError, match=r"^xlabel must not be empty"):
            line_chart(ax, [1], {"a": [1]}, xlabel="", ylabel="y")
        with pytest.raises(TypeError, match=r"^ylabel must be a string"):
            line_chart(ax, [1], {"a": [1]}, xlabel="x", ylabel=None)


class TestBarChart:
    def test_bars_heights_labels_and_default_colours(self):
        _, ax = new_figure()
        bar_chart(ax, ["pixels", "dense"], np.array([0.31, 0.9]), ylabel="accuracy", title="t")
        heights = [p.get_height() for p in ax.patches]
        assert heights == pytest.approx([0.31, 0.9])
        assert [t.get_text() for t in ax.texts] == ["0.31", "0.90"]
        assert [to_hex(p.get_facecolor()).upper() for p in ax.patches] == list(PALETTE[:2])
        assert [t.get_text() for t in ax.get_xticklabels()] == ["pixels", "dense"]
        assert ax.get_ylabel() == "accuracy"
        assert ax.get_title() == "t"

    def test_custom_colours_and_format(self):
        _, ax = new_figure()
        bar_chart(ax, ["a", "b"], [0.125, 1], ylabel="y", fmt=".1%", colors=["red", "black"])
        assert [t.get_text() for t in ax.texts] == ["12.5%", "100.0%"]
        assert [to_hex(p.get_facecolor()) for p in ax.patches] == ["#ff0000", "#000000"]

    def test_colours_cycle_past_the_palette(self):
        _, ax = new_figure()
        bar_chart(ax, [f"c{i}" for i in range(10)], np.arange(10.0), ylabel="y")
        assert to_hex(ax.patches[8].get_facecolor()).upper() == PALETTE[0]

    @pytest.mark.parametrize("labels", ["ab", None, 3])
    def test_labels_must_be_a_sequence(self, labels):
        _, ax = new_figure()
        with pytest.raises(TypeError, match=r"^labels must be a sequence of strings"):
            bar_chart(ax, labels, [1, 2], ylabel="y")

    def test_bad_label_entries(self):
        _, ax = new_figure()
        with pytest.raises(TypeError, match=r"^labels\[1\] must be a string, got int 1"):
            bar_chart(ax, ["a", 1], [1, 2], ylabel="y")

    def test_length_mismatch(self):
        _, ax = new_figure()
        with pytest.raises(ValueError, match=r"^labels has 2 entries but values has 3$"):
            bar_chart(ax, ["a", "b"], [1, 2, 3], ylabel="y")

    def test_bad_values(self):
        _, ax = new_figure()
        with pytest.raises(ValueError, match=r"^values contains NaN"):
            bar_chart(ax, ["a"], [float("nan")], ylabel="y")
        with pytest.raises(ValueError, match=r"^values must be a 1-D array"):
            bar_chart(ax, ["a"], [[1.0]], ylabel="y")
        with pytest.raises(ValueError, match=r"^values must have at least 1 rows"):
            bar_chart(ax, [], [], ylabel="y")
        with pytest.raises(ValueError, match=r"^ylabel must not be empty"):
            bar_chart(ax, ["a"], [1.0], ylabel="")

    def test_bad_fmt_names_the_argument(self):
        _, ax = new_figure()
        with pytest.raises(ValueError, match=r"fmt"):
            bar_chart(ax, ["a"], [1.0], ylabel="y", fmt="d")


class TestImageGrid:
    def test_grid_layout_and_titles(self):
        images = np.arange(5 * 4 * 4, dtype=np.uint8).reshape(5, 4, 4)
        fig = image_grid(images, ["a", "b", "c", "d", "e"], ncols=3)
        assert len(fig.axes) == 6  # two rows of three; the last cell is empty
        assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c", "d", "e", ""]
        assert [len(ax.images) for ax in fig.axes] == [1, 1, 1, 1, 1, 0]
        np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), images[2])
        assert all(not ax.axison for ax in fig.axes)
        assert fig.axes[0].images[0].get_cmap().name == "gray_r"

    def test_ncols_is_capped_at_the_number_of_images(self):
        fig = image_grid(np.ones((2, 8, 8)), ncols=10, width=4)
        assert len(fig.axes) == 2
        assert fig.get_size_inches()[0] == pytest.approx(4.0)

    def test_single_image(self):
        fig = image_grid(np.ones((1, 8, 8)))
        assert len(fig.axes) == 1

    def test_symmetric_centres_colour_scale_on_zero(self):
        filters = np.zeros((2, 3, 3))
        filters[0, 0, 0] = -2.0
        filters[0, 1, 1] = 0.5
        fig = image_grid(filters, symmetric=True)
        first, second = (ax.images[0] for ax in fig.axes)
        assert first.get_clim() == (-2.0, 2.0)
        assert second.get_clim() == (-1.0, 1.0)  # an all-zero image gets a unit scale
        assert first.get_cmap().name == "RdBu_r"

    def test_bad_input(self):
        with pytest.raises(ValueError, match=r"^images must be a 3-D array, got shape \(8, 8\)"):
            image_grid(np.zeros((8, 8)))
        with pytest.raises(TypeError, match=r"^images must be a NumPy array"):
            image_grid([np.zeros((8, 8))])
        with pytest.raises(ValueError, match=r"^images must have at least 1 rows"):
            image_grid(np.zeros((0, 8, 8)))
        with pytest.raises(ValueError, match=r"^images contains NaN"):
            image_grid(np.full((1, 8, 8), np.nan))
        with pytest.raises(ValueError, match=r"^titles has 1 entries but images has 2$"):
            image_grid(np.zeros((2, 8, 8)), ["a"])
        with pytest.raises(ValueError, match=r"^ncols must be at least 1, got 0$"):
            image_grid(np.zeros((2, 8, 8)), ncols=0)

    def test_width_of_wrong_type_names_the_argument(self):
        with pytest.raises(TypeError, match=r"^width must be"):
            image_grid(np.zeros((2, 4, 4)), width="3")


class TestNestedRegions:
    def test_one_box_and_label_per_region_outermost_first(self):
        labels = ["AI", "ML", "NN", "DL"]
        notes = ["all", "fitted to data", "layers of units", "many layers"]
        fig = nested_regions(labels, notes)
        (ax,) = fig.axes
        assert not ax.axison
        texts = [t.get_text() for t in ax.texts]
        assert texts == [item for pair in zip(labels, notes) for item in pair]
        boxes = ax.patches
        assert len(boxes) == 4
        # Each box lies strictly inside the one before it.
        for outer, inner in itertools.pairwise(boxes):
            assert outer.get_x() < inner.get_x()
            assert outer.get_y() < inner.get_y()
            assert inner.get_x() + inner.get_width() < outer.get_x() + outer.get_width()
            assert inner.get_y() + inner.get_height() < outer.get_y() + outer.get_height()
        assert [to_hex(b.get_edgecolor(), keep_alpha=False).upper() for b in boxes] == list(
            PALETTE[:4]
        )
        # Each label sits inside its own box, above the next box.
        for i, box in enumerate(boxes):
            _, y = ax.texts[2 * i].get_position()
            assert box.get_y() < y < box.get_y() + box.get_height()
            if i + 1 < len(boxes):
                assert y > boxes[i + 1].get_y() + boxes[i + 1].get_height()

    def test_without_notes(self):
        fig = nested_regions(["outer"])
        assert [t.get_text() for t in fig.axes[0].texts] == ["outer"]

    @pytest.mark.parametrize("labels", ["AI", [], None, ("a" for _ in range(2))])
    def test_labels_must_be_a_non_empty_sequence(self, labels):
        with pytest.raises(TypeError, match=r"^labels must be a non-empty sequence of strings"):
            nested_regions(labels)

    def test_bad_entries(self):
        with pytest.raises(TypeError, match=r"^labels\[1\] must be a string, got int 1"):
            nested_regions(["a", 1])
        with pytest.raises(ValueError, match=r"^labels\[1\] must not be empty"):
            nested_regions(["a", ""])
        with pytest.raises(ValueError, match=r"^notes has 1 entries but labels has 2$"):
            nested_regions(["a", "b"], ["x"])
        with pytest.raises(TypeError, match=r"^note must be a string"):
            nested_regions(["a", "b"], ["x", None])


class TestGlueFigure:
    def test_glues_and_closes(self, monkeypatch):
        import myst_nb

        glued = []
        monkeypatch.setattr(myst_nb, "glue", lambda *args, **kwargs: glued.append((args, kwargs)))
        fig, _ = new_figure()
        assert plt.fignum_exists(fig.number)
        glue_figure("fig-demo", fig)
        assert glued == [(("fig-demo", fig), {"display": False})]
        assert not plt.fignum_exists(fig.number)

    def test_bad_input(self):
        fig, ax = new_figure()
        with pytest.raises(TypeError, match=r"^fig must be a matplotlib Figure, got "):
            glue_figure("fig-demo", ax)
        with pytest.raises(ValueError, match=r"^name must not be empty"):
            glue_figure("", fig)
        with pytest.raises(TypeError, match=r"^name must be a string"):
            glue_figure(None, fig)


class TestDecisionRegions:
    def _data(self):
        from dlguide.plotting import decision_regions  # noqa: F401

        return np.array([[0.0, 0.0], [1.0, 1.0], [0.2, 0.9]]), np.array([0, 1, 1])

    def test_shades_the_predicted_class(self):
        from dlguide.plotting import decision_regions

        x, y = self._data()
        fig, ax = new_figure()
        calls = []

        def predict(points):
            calls.append(points.shape)
            return (points[:, 0] + points[:, 1] > 1).astype(int)

        decision_regions(ax, predict, x, y, resolution=20, padding=0.1)
        assert calls == [(400, 2)]
        assert len(ax.collections) >= 3
        assert ax.get_xlim() == pytest.approx((-0.1, 1.1))
        plt.close(fig)

    def test_bad_input(self):
        from dlguide.plotting import decision_regions

        x, y = self._data()
        fig, ax = new_figure()
        ok = lambda p: np.zeros(len(p), dtype=int)  # noqa: E731
        with pytest.raises(ValueError, match=r"^x must have two columns"):
            decision_regions(ax, ok, np.zeros((3, 3)), y)
        with pytest.raises(TypeError, match=r"^predict must be a function"):
            decision_regions(ax, "f", x, y)
        with pytest.raises(ValueError, match=r"^predict must return one label per point"):
            decision_regions(ax, lambda p: np.zeros((len(p), 2)), x, y, resolution=5)
        with pytest.raises(ValueError, match=r"^expected the same number of rows"):
            decision_regions(ax, ok, x, y[:2])
        with pytest.raises(ValueError, match=r"^padding must be a non-negative number"):
            decision_regions(ax, ok, x, y, padding=-1.0)
        with pytest.raises(TypeError, match=r"^y must have an integer dtype"):
            decision_regions(ax, ok, x, y.astype(float))
        plt.close(fig)


class TestGraphDiagram:
    def test_draws_nodes_and_arrows(self):
        from dlguide.plotting import graph_diagram

        nodes = {"a": (0.1, 0.5, "a"), "b": (0.5, 0.5, "b = 2a"), "c": (0.9, 0.5, "c")}
        fig = graph_diagram(nodes, [("a", "b"), ("b", "c")], highlight=["a"])
        ax = fig.axes[0]
        texts = sorted(t.get_text() for t in ax.texts)
        assert texts == ["", "", "a", "b = 2a", "c"]  # two arrows (annotations) and three nodes
        plt.close(fig)

    def test_bad_input(self):
        from dlguide.plotting import graph_diagram

        nodes = {"a": (0.1, 0.5, "a")}
        with pytest.raises(TypeError, match=r"^nodes must be a non-empty mapping"):
            graph_diagram({}, [])
        with pytest.raises(ValueError, match=r"^edge \('a', 'z'\) names 'z'"):
            graph_diagram(nodes, [("a", "z")])
        with pytest.raises(ValueError, match=r"^nodes\['a'\] must have x and y between 0 and 1"):
            graph_diagram({"a": (1.5, 0.5, "a")}, [])
        with pytest.raises(TypeError, match=r"^nodes\['a'\] must be an \(x, y, text\) tuple"):
            graph_diagram({"a": (0.1, 0.5)}, [])
        with pytest.raises(ValueError, match=r"^highlight names \['q'\]"):
            graph_diagram(nodes, [("a", "a")], highlight=["q"])
        with pytest.raises(ValueError, match=r"^edges must hold at least one"):
            graph_diagram(nodes, [])


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


class TestLstmCellDiagram:
    def test_draws_gates_and_the_cell_state_with_the_sizes(self):
        from dlguide.plotting import lstm_cell_diagram

        fig = lstm_cell_diagram(32, 128)
        texts = _texts(fig)
        for gate in ("forget gate\nσ", "input gate\nσ", "candidate\ntanh", "output gate\nσ"):
            assert gate in texts
        assert "cell state $c_{t-1}$ (128)" in texts and "input $x_t$ (32)" in texts
        assert "$[h_{t-1}, x_t]$: 160 numbers" in texts
        assert "each gate: a weight matrix\nof 128 × 160, and a bias" in texts
        # the additive path: one multiplication and one addition on the cell-state line
        assert texts.count("+") == 1 and texts.count("×") == 3
        plt.close(fig)

    def test_bad_input(self):
        from dlguide.plotting import lstm_cell_diagram

        with pytest.raises(TypeError, match=r"^input_size must be an integer"):
            lstm_cell_diagram(3.5, 8)
        with pytest.raises(ValueError, match=r"^hidden_size must be"):
            lstm_cell_diagram(3, 0)


class TestEncoderBlockDiagram:
    def test_draws_the_sublayers_in_order(self):
        from dlguide.plotting import encoder_block_diagram

        fig = encoder_block_diagram(64, heads=4)
        ax = fig.axes[0]
        boxes = {t.get_text(): t.get_position()[1] for t in ax.texts}
        attention = boxes["multi-head self-attention\n4 heads of 16 numbers"]
        feed_forward = boxes["feed-forward, each position alone\n64 → 256 (ReLU) → 64"]
        assert attention < feed_forward  # attention first, from the bottom up
        assert _texts(fig).count("layer norm") == 2 and _texts(fig).count("residual") == 2
        plt.close(fig)
        fig = encoder_block_diagram(12, heads=3, hidden=7)
        assert "feed-forward, each position alone\n12 → 7 (ReLU) → 12" in _texts(fig)
        plt.close(fig)

    def test_bad_input(self):
        from dlguide.plotting import encoder_block_diagram

        with pytest.raises(ValueError, match=r"^dim \(10\) must be divisible by heads \(4\)"):
            encoder_block_diagram(10, heads=4)
        with pytest.raises(TypeError, match=r"^heads must be an integer"):
            encoder_block_diagram(8, heads="2")
        with pytest.raises(ValueError, match=r"^hidden must be"):
            encoder_block_diagram(8, heads=2, hidden=0)


class TestBertInputDiagram:
    def test_one_column_per_token_three_rows_summed(self):
        from dlguide.plotting import bert_input_diagram

        tokens = ["[CLS]", "is", "it", "[SEP]", "yes", "[SEP]"]
        fig = bert_input_diagram(tokens, [0, 0, 0, 0, 1, 1])
        texts = _texts(fig)
        assert [t for t in texts if t in tokens] == tokens + tokens  # the input, then subscripts
        assert texts.count("E") == len(tokens)
        assert texts.count("$E_{A}$") == 4 and texts.count("$E_{B}$") == 2
        assert [f"$E_{{{i}}}$" for i in range(6)] == [t for t in texts if t[4:-2].isdigit()]
        assert texts.count("+") == 2 * len(tokens)
        assert {"token\nembeddings", "segment\nembeddings", "position\nembeddings"} <= set(texts)
        plt.close(fig)

    def test_word_pieces_with_mathtext_characters_draw(self):
        from dlguide.plotting import bert_input_diagram

        tokens = ["[CLS]", "token", "##ization", "$5", "50%", "a_b", "{x}", "^", "~", "\\", "&"]
        fig = bert_input_diagram(tokens, [0] * len(tokens))
        fig.canvas.draw()  # mathtext parses every label here: an unescaped one raises
        assert _texts(fig).count("##ization") == 2 and _texts(fig).count("$5") == 2
        plt.close(fig)

    def test_bad_input(self):
        from dlguide.plotting import bert_input_diagram

        with pytest.raises(ValueError, match=r"^segments has 1 entries but tokens has 2"):
            bert_input_diagram(["a", "b"], [0])
        with pytest.raises(ValueError, match=r"^segments\[1\] must be 0 \(A\) or 1 \(B\), got i"):
            bert_input_diagram(["a", "b"], [0, 2])
        with pytest.raises(TypeError, match=r"^segments must be a sequence"):
            bert_input_diagram(["a", "b"], "01")
        with pytest.raises(ValueError, match=r"^tokens must hold at most 16 tokens"):
            bert_input_diagram(["a"] * 17, [0] * 17)
        with pytest.raises(ValueError, match=r"^tokens must not be empty"):
            bert_input_diagram([], [])


class TestWorkflowDiagram:
    def test_numbered_steps_notes_and_a_loop(self):
        from dlguide.plotting import workflow_diagram

        fig = workflow_diagram(["ask", "measure", "check"], ["", "train", "test"],
                               loops=[(3, 2)], loop_label="again")  # fmt: skip
        texts = _texts(fig)
        assert [t for t in texts if t[:1].isdigit()] == ["1\nask", "2\nmeasure", "3\ncheck"]
        assert "train" in texts and "test" in texts and "again" in texts
        assert "" in texts  # the empty annotations are the arrows: two forward, one back
        assert texts.count("") == 3
        plt.close(fig)

    def test_bad_input(self):
        from dlguide.plotting import workflow_diagram

        with pytest.raises(ValueError, match=r"^notes has 1 entries but steps has 2"):
            workflow_diagram(["a", "b"], [""])
        with pytest.raises(ValueError, match=r"^loops must go back from a step to an earlier"):
            workflow_diagram(["a", "b"], loops=[(1, 2)])
        with pytest.raises(ValueError, match=r"^loops must go back"):
            workflow_diagram(["a", "b"], loops=[(3, 1)])
        with pytest.raises(TypeError, match=r"^loops must hold \(from, to\) pairs"):
            workflow_diagram(["a", "b"], loops=[2])
        with pytest.raises(TypeError, match=r"^steps\[1\] must be a string"):
            workflow_diagram(["a", 3])
