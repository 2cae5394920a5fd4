namespace Gim.MLNet.Scoring;

/// <summary>
/// How well one condition's predicted cells match its held-out cells (<see cref="SachsTasks.ScoreCells"/>),
/// in control-standardised units: every variable is centred on the training control mean and divided by the
/// training control standard deviation, so a distance of 1 is one control SD.
/// </summary>
/// <param name="Condition">The condition's name.</param>
/// <param name="IsControl">Whether it is the control condition.</param>
/// <param name="Cells">Held-out cells compared (as many cells are predicted).</param>
/// <param name="Mmd">Multi-scale MMD², biased (<see cref="DistributionDistances.MmdMultiScale"/>).</param>
/// <param name="Energy">Energy distance (<see cref="DistributionDistances.Energy"/>).</param>
/// <param name="MeanRmse">RMSE over the variables between the predicted and the observed mean cell.</param>
/// <param name="PearsonDelta">Correlation of the predicted and observed mean shifts from the control mean; NaN for the control (its shift is noise) or when a shift is constant.</param>
/// <param name="PredictedShift">RMSE over the variables between the predicted mean and the control mean: how far the prediction moves from the control.</param>
/// <param name="ObservedShift">The same for the observed held-out mean: how far the condition really moves.</param>
public sealed record SachsConditionScore(string Condition, bool IsControl, int Cells, double Mmd, double Energy, double MeanRmse,
    double PearsonDelta, double PredictedShift, double ObservedShift);
