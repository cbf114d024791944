"""Tests of dlguide.foundations.handmade: hand-made shape features."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from dlguide.data import load_animal_shapes
from dlguide.foundations.handmade import SHAPE_FEATURE_NAMES, shape_features

N = 28


def _features(image: np.ndarray) -> dict[str, float]:
    return dict(zip(SHAPE_FEATURE_NAMES, shape_features(image[None])[0], strict=True))


def _image(*cells: tuple[slice | int, slice | int], value: float = 255) -> np.ndarray:
    image = np.zeros((N, N))
    for cell in cells:
        image[cell] = value
    return image


def _reference(image: np.ndarray) -> np.ndarray:
    """The features of one image, computed directly from their definitions."""
    height, width = image.shape
    ink = image / image.max()
    rows, cols = np.nonzero(ink)
    weights = ink[rows, cols]
    r = (rows + 0.5) / height
    c = (cols + 0.5) / width
    r_mean, c_mean = np.average(r, weights=weights), np.average(c, weights=weights)
    on_rows, on_cols = np.nonzero(ink > 0.5)
    box_h = (on_rows.max() - on_rows.min() + 1) / height
    box_w = (on_cols.max() - on_cols.min() + 1) / width
    edges_r = [int(e) for e in np.linspace(0, height, 7, endpoint=False)] + [height]
    edges_c = [int(e) for e in np.linspace(0, width, 7, endpoint=False)] + [width]
    total = ink.sum()
    return np.array(
        [
            total / (height * width),
            box_h,
            box_w,
            box_w / box_h,
            r_mean,
            c_mean,
            math.sqrt(np.average((r - r_mean) ** 2, weights=weights)),
            math.sqrt(np.average((c - c_mean) ** 2, weights=weights)),
            np.average((r - r_mean) * (c - c_mean), weights=weights),
            *(ink[a:b].sum() / total for a, b in itertools.pairwise(edges_r)),
            *(ink[:, a:b].sum() / total for a, b in itertools.pairwise(edges_c)),
        ]
    )


def test_feature_names():
    assert len(SHAPE_FEATURE_NAMES) == len(set(SHAPE_FEATURE_NAMES)) == 23
    assert SHAPE_FEATURE_NAMES[:3] == ("ink fraction", "box height", "box width")
    assert SHAPE_FEATURE_NAMES[9] == "row profile 1"
    assert SHAPE_FEATURE_NAMES[-1] == "column profile 7"


class TestHandComputed:
    def test_centred_square(self):
        f = _features(_image((slice(7, 21), slice(7, 21))))
        spread = math.sqrt((14**2 - 1) / 12) / N  # the std of 14 consecutive pixel rows
        expected = {
            "ink fraction": 14 * 14 / N**2,
            "box height": 0.5,
            "box width": 0.5,
            "box aspect": 1.0,
            "centre row": 0.5,
            "centre column": 0.5,
            "row spread": spread,
            "column spread": spread,
            "row-column covariance": 0.0,
        }
        # Bins of four rows: rows 7..20 put 1, 4, 4, 4 and 1 of their 14 rows in bins 2-6.
        profile = [0, 1 / 14, 4 / 14, 4 / 14, 4 / 14, 1 / 14, 0]
        expected |= {f"row profile {i + 1}": p for i, p in enumerate(profile)}
        expected |= {f"column profile {i + 1}": p for i, p in enumerate(profile)}
        assert f == pytest.approx(expected, abs=1e-12)

    def test_horizontal_bar_at_the_top(self):
        f = _features(_image((slice(2, 6), slice(None))))
        assert f["ink fraction"] == pytest.approx(4 / N)
        assert f["box height"] == pytest.approx(4 / N)
        assert f["box width"] == pytest.approx(1.0)
        assert f["box aspect"] == pytest.approx(7.0)
        assert f["centre row"] == pytest.approx(4 / N)  # rows 2..5: mean 3.5, plus half a pixel
        assert f["centre column"] == pytest.approx(0.5)
        assert f["row spread"] == pytest.approx(math.sqrt((4**2 - 1) / 12) / N)
        assert f["column spread"] == pytest.approx(math.sqrt((N**2 - 1) / 12) / N)
        assert f["row-column covariance"] == pytest.approx(0.0, abs=1e-12)
        rows = [f[f"row profile {i}"] for i in range(1, 8)]
        assert rows == pytest.approx([0.5, 0.5, 0, 0, 0, 0, 0], abs=1e-12)
        cols = [f[f"column profile {i}"] for i in range(1, 8)]
        assert cols == pytest.approx([1 / 7] * 7)

    @pytest.mark.parametrize("sign", [1, -1])
    def test_diagonal_line(self, sign):
        i = np.arange(N)
        f = _features(_image((i, i if sign == 1 else N - 1 - i)))
        variance = (N**2 - 1) / 12 / N**2
        assert f["ink fraction"] == pytest.approx(1 / N)
        assert (f["box height"], f["box width"], f["box aspect"]) == pytest.approx((1, 1, 1))
        assert (f["centre row"], f["centre column"]) == pytest.approx((0.5, 0.5))
        assert f["row spread"] == pytest.approx(math.sqrt(variance))
        assert f["column spread"] == pytest.approx(math.sqrt(variance))
        assert f["row-column covariance"] == pytest.approx(sign * variance)

    def test_uneven_ink_moves_the_centre(self):
        # Two pixels in one row, one three times as dark: the centre is a weighted mean.
        image = np.zeros((N, N))
        image[10, 4] = 255
        image[10, 20] = 85
        f = _features(image)
        assert f["centre column"] == pytest.approx((4.5 * 3 + 20.5) / 4 / N)
        assert f["centre row"] == pytest.approx(10.5 / N)
        assert f["ink fraction"] == pytest.approx((1 + 1 / 3) / N**2)
        # Only ink above half the darkest counts towards the bounding box.
        assert f["box width"] == pytest.approx(1 / N)


class TestAgainstReference:
    def test_random_blobs(self):
        rng = np.random.default_rng(0)
        images = np.zeros((5, 20, 24))
        for image in images:
            r0, c0 = rng.integers(0, 8, size=2)
            image[r0 : r0 + 10, c0 : c0 + 12] = rng.integers(100, 256, size=(10, 12))
            image[image < 128] = 0
        images[:, 0, 0] = 0
        # Every image reaches the same darkest value, as silhouettes do.
        images[:, 19, 23] = 255
        expected = np.array([_reference(image) for image in images])
        np.testing.assert_allclose(shape_features(images), expected, rtol=1e-9, atol=1e-12)

    def test_real_silhouettes(self):
        images = load_animal_shapes("test").images[:20]
        features = shape_features(images)
        assert features.shape == (20, 23)
        assert features.dtype == np.float64
        expected = np.array([_reference(image.astype(float)) for image in images])
        np.testing.assert_allclose(features, expected, rtol=1e-9, atol=1e-12)
        # The profiles are shares of the ink.
        np.testing.assert_allclose(features[:, 9:16].sum(axis=1), 1.0)
        np.testing.assert_allclose(features[:, 16:23].sum(axis=1), 1.0)

    def test_does_not_change_its_input(self):
        images = load_animal_shapes("test").images[:3]
        before = images.copy()
        shape_features(images)  # read-only uint8 input is fine
        np.testing.assert_array_equal(images, before)

    def test_dtype_and_scale_do_not_matter(self):
        images = load_animal_shapes("test").images[:4]
        np.testing.assert_allclose(
            shape_features(images), shape_features(images.astype(np.float32) / 255), rtol=1e-6
        )

    def test_features_of_an_image_do_not_depend_on_the_batch(self):
        dark = _image((slice(5, 10), slice(5, 20)))
        faint = _image((slice(10, 20), slice(3, 8)), value=100)
        alone = shape_features(faint[None])[0]
        together = shape_features(np.stack([dark, faint]))[1]
        np.testing.assert_allclose(together, alone, rtol=1e-9, atol=1e-12)


class TestBadInput:
    def test_not_an_array(self):
        with pytest.raises(TypeError, match=r"^images must be a NumPy array, got list"):
            shape_features([[[1.0] * 8] * 8])

    @pytest.mark.parametrize("shape", [(28, 28), (1, 1, 28, 28), (28,)])
    def test_wrong_number_of_dimensions(self, shape):
        with pytest.raises(ValueError, match=r"^images must be a 3-D array, got shape"):
            shape_features(np.ones(shape))

    def test_empty(self):
        with pytest.raises(ValueError, match=r"^images must have at least 1 rows"):
            shape_features(np.ones((0, 28, 28)))

    @pytest.mark.parametrize("shape", [(1, 6, 28), (1, 28, 6), (1, 3, 3)])
    def test_too_small(self, shape):
        with pytest.raises(ValueError, match=r"^images must be at least 7x7 pixels, got "):
            shape_features(np.ones(shape))

    def test_smallest_allowed_size(self):
        assert shape_features(np.ones((2, 7, 7))).shape == (2, 23)

    def test_blank_image_is_named(self):
        images = np.ones((3, 8, 8))
        images[1] = 0
        with pytest.raises(ValueError, match=r"^images must not be blank; image 1 has no ink$"):
            shape_features(images)

    @pytest.mark.parametrize("low", [-1.0, -255.0])
    def test_negative_values(self, low):
        images = np.zeros((1, 8, 8))
        images[0, 2:6, 2:6] = 1.0
        images[0, 0, 0] = low
        with pytest.raises(ValueError, match=r"^images must"):
            shape_features(images)

    def test_nan(self):
        images = np.ones((1, 8, 8))
        images[0, 2, 2] = np.nan
        with pytest.raises(ValueError, match=r"^images contains NaN"):
            shape_features(images)

    @pytest.mark.parametrize("dtype", [bool, complex, object])
    def test_non_numeric_dtype(self, dtype):
        with pytest.raises(TypeError, match=r"^images must have a numeric dtype"):
            shape_features(np.ones((1, 8, 8), dtype=dtype))
