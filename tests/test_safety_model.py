"""The safety classifier: held-out figures, the shipped weights, and scoring that matches
scikit-learn's own.

The held-out test trains on the training split with the shipped thresholds (chosen by
cross-validation on that split alone) and measures on every fifth message of the corpus,
which no pattern, threshold or weight was tuned on."""

from __future__ import annotations

import numpy as np
import pytest

from bot.features.safety import default_model, detect
from bot.features.safety_model import KINDS, LABELS, SafetyModel, as_dict, features
from bot.text.normalize import fold
from training import safety_train as T


@pytest.fixture(scope="module")
def corpus() -> list[T.Example]:
    return T.load_corpus()


@pytest.fixture(scope="module")
def held_out_figures(corpus: list[T.Example]) -> dict[str, float]:
    train = [ex for ex in corpus if not ex.held_out]
    test = [ex for ex in corpus if ex.held_out]
    shipped = default_model()
    model = SafetyModel({"meta": {}, "thresholds": shipped.thresholds,
                         **T.fit(T.featurize(train)[0], train)})
    return T.evaluate(model, test)


def test_corpus_is_large_and_varied(corpus: list[T.Example]) -> None:
    assert len(corpus) >= 3000
    voices = {ex.voice for ex in corpus if ex.voice != "knowledge base examples"}
    assert len(voices) >= 8
    assert {ex.lang for ex in corpus} == {"sv", "en"}
    labels = {label: sum(ex.label == label for ex in corpus) for label in LABELS}
    assert min(labels.values()) >= 500, labels
    assert sum(ex.hard for ex in corpus) >= 800
    kinds = {kind: sum(ex.kind == kind for ex in corpus) for kind in KINDS}
    assert min(kinds.values()) >= 100, kinds


def test_held_out_acute_recall(held_out_figures: dict[str, float]) -> None:
    # 112 on the reply's first line: the full emergency reply or the unsure line.
    assert held_out_figures["acute_first_line_112"] >= 0.99, held_out_figures
    assert held_out_figures["acute_recall_112"] >= 0.85, held_out_figures


def test_held_out_false_112(held_out_figures: dict[str, float]) -> None:
    assert held_out_figures["hard_false_112"] <= 0.02, held_out_figures
    assert held_out_figures["everyday_false_112"] <= 0.015, held_out_figures


def test_held_out_unsure_line_is_rare_outside_danger(held_out_figures: dict[str, float]) -> None:
    # Without this bound the recall above could be bought by opening every reply with 112.
    assert held_out_figures["everyday_unsure"] <= 0.15, held_out_figures
    assert held_out_figures["hard_unsure"] <= 0.25, held_out_figures


def test_held_out_reports(held_out_figures: dict[str, float]) -> None:
    assert held_out_figures["report_recall"] >= 0.9, held_out_figures
    assert held_out_figures["report_as_112"] <= 0.05, held_out_figures


def test_shipped_model_was_trained_on_this_corpus() -> None:
    # Edit the corpus, then run `make model`: the weights must follow the data.
    assert default_model().meta["corpus"] == T.corpus_digest(), "run `make model`"


def test_scoring_matches_scikit_learn(corpus: list[T.Example]) -> None:
    """The shipped scorer against scikit-learn's predict_proba, on weights fitted here."""
    sample = corpus[::5]
    blocks, _ = T.featurize(sample)
    fitted = T.fit_estimators(blocks, sample)
    ours = SafetyModel({"meta": {}, "thresholds": {}, **T.export(fitted)})
    x = fitted.vec.transform([as_dict(b) for b in blocks])
    main = fitted.main.predict_proba(x)
    acute = [i for i, ex in enumerate(sample) if ex.label == "acute"]
    kind = fitted.kind.predict_proba(x[acute]).max(axis=1)
    got = [ours.score(b) for b in blocks]
    assert np.abs(np.array([s.acute for s in got]) - fitted.acute(x)).max() < 1e-4
    assert np.abs(np.array([s.report for s in got]) - main[:, 1]).max() < 1e-4
    assert np.abs(np.array([got[i].kind_p for i in acute]) - kind).max() < 1e-4


def test_features_are_folded_and_scaled() -> None:
    f = features(fold("Det BRINNER!! det brinner"), ["now"])
    found = as_dict(f)
    assert {"w:det", "w:brinner", "b:det_brinner", "b:brinner_det", " br", "nner ",
            "s:now"} <= found.keys()
    assert found["w:det"] == pytest.approx(1 / 2 ** 0.5)  # two distinct words
    grams = [name for name in found if ":" not in name]
    assert found[" br"] == pytest.approx(1 / len(grams) ** 0.5)
    assert found["s:now"] == 1.0


def test_the_model_refuses_labels_it_does_not_know() -> None:
    packed = T.pack(["w:a"], np.zeros((1, len(LABELS) + len(KINDS) + 1)),
                    np.zeros(len(LABELS) + len(KINDS) + 1))
    packed["kinds"] = ["fire"]
    with pytest.raises(ValueError, match="labels"):
        SafetyModel({"meta": {}, "thresholds": {}, **packed})


@pytest.mark.parametrize(("text", "kind"), [
    ("min kompis har skickat ett avskedsmeddelande och svarar inte", "suicide"),
    ("vår mormor med demens har gått ut i snöstormen i bara nattlinnet", "missing"),
    ("en snöskoter har vält över en kille vid Lomsjö, han kommer inte loss", "accident"),
    ("a car is swerving all over the E45 right now, nearly hit a truck", "traffic"),
])
def test_new_phrasings_get_112_with_their_kind(text: str, kind: str) -> None:
    alert = detect(text)
    assert alert is not None and alert.kind == "emergency", alert
    assert kind in alert.reasons, alert.reasons
