namespace Code.Learning.Supervised;

/// <summary>
/// Progressive-validation quality of an online classifier: every example is scored by the model
/// <em>before</em> it learns from it, so these figures estimate performance on unseen data.
/// </summary>
/// <param name="Examples">How many labelled examples were scored.</param>
/// <param name="LogLoss">Mean negative log-likelihood (natural log); lower is better, 0.693 is a coin.</param>
/// <param name="Accuracy">Fraction of examples whose predicted class (probability at least 0.5) was right.</param>
/// <param name="BrierScore">Mean squared error of the probability; lower is better, 0.25 is a coin.</param>
/// <param name="CalibrationError">
/// Expected calibration error: over ten equal-width probability bins, the weighted gap between the mean
/// predicted probability and the observed positive rate; 0 is perfectly calibrated. Early, poorly trained
/// predictions are included, so it shrinks as the model learns.
/// </param>
public readonly record struct ModelQuality(long Examples, double LogLoss, double Accuracy, double BrierScore, double CalibrationError);
