"""Page detection takes a sheet of paper for a page, and nothing else: a scanner's shadow band cut the frame
into a slanted quadrilateral, the page was «corrected» into a slant and the legible act was refused."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from azs_assistant.ocr import engine
from azs_assistant.ocr.pipeline import ocr_page
from azs_assistant.ocr.preprocess import find_page, plausible_page
from tests.conftest import ROOT

SCAN = ROOT / "bench" / "data" / "qa_blind" / "corpus" / "BO_26_akt_priema_0318_scan.jpg"


def _photo(corners: list[tuple[int, int]]) -> np.ndarray:
    """A white sheet with the given corners on a dark table, 1200 x 1600."""
    img = np.full((1600, 1200), 70, np.uint8)
    cv2.fillPoly(img, [np.array(corners, np.int32)], 235)
    return img


def test_a_photographed_page_is_found_even_tilted() -> None:
    corners = [(220, 160), (1010, 230), (1060, 1450), (150, 1390)]  # opposite edges 0.86 of each other
    found = find_page(_photo(corners))
    assert found is not None
    assert np.abs(found - np.array(corners, np.float32)).max() < 15


def test_a_scan_with_a_shadow_band_is_no_page_to_correct() -> None:
    scan = cv2.imread(str(SCAN), cv2.IMREAD_GRAYSCALE)
    assert find_page(scan) is None


def test_an_outline_on_three_frame_corners_or_with_unequal_edges_is_no_page() -> None:
    shape = (1986, 1402)
    assert not plausible_page(np.array([[0, 0], [1401, 0], [1401, 1985], [668, 1985]], np.float32), shape)
    assert not plausible_page(np.array([[300, 100], [900, 100], [1300, 1800], [100, 1800]], np.float32), shape)
    assert plausible_page(np.array([[150, 120], [1250, 160], [1290, 1850], [110, 1800]], np.float32), shape)


@pytest.mark.slow  # a whole page through Tesseract
@pytest.mark.skipif(not engine.available("rus"), reason="tesseract-ocr-rus is not installed")
def test_the_scan_is_read_whole() -> None:
    page = ocr_page(cv2.imread(str(SCAN), cv2.IMREAD_COLOR))
    assert page.quality == "ok", (page.quality, page.text[:300])
    assert "0318" in page.text and "0,31" in page.text, page.text
