from extractor.aggregate import calibrated_confidence, triple_features
from extractor.document import Evidence, Relation
from extractor.training.calibration import fit_calibration


def _triple(probabilities):
    evidence = [Evidence(0, 10, (0, 2), (5, 7), p) for p in probabilities]
    return Relation("E1", "ALLY_OF", "E2", max(probabilities), evidence)


def test_calibration_learns_that_confident_triples_are_right_more_often():
    labelled = [(_triple([0.95]), True)] * 8 + [(_triple([0.95]), False)] * 2 + \
               [(_triple([0.4]), True)] * 2 + [(_triple([0.4]), False)] * 8
    calibration = fit_calibration(labelled, seed=0)
    high = calibrated_confidence(_triple([0.95]), calibration)
    low = calibrated_confidence(_triple([0.4]), calibration)
    assert 0.5 < high < 0.95 and low < 0.5


def test_calibration_is_not_fitted_on_one_class():
    assert fit_calibration([(_triple([0.9]), True), (_triple([0.7]), True)]) is None


def test_triple_features_count_evidence_and_use_the_best_pair():
    features = triple_features(_triple([0.5, 0.75, 0.6]))
    assert round(features[0], 4) == round(1.0986, 4) and round(features[1], 4) == round(1.0986, 4)
