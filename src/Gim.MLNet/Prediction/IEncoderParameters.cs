namespace Gim.MLNet.Prediction;

/// <summary>
/// The intervention encoder's numbers, which linear and nonlinear GIMs share (same network, same layout),
/// so that one ONNX builder serves both.
/// </summary>
internal interface IEncoderParameters
{
    int VariableCount { get; }
    int FeatureCount { get; }
    int HeadCount { get; }
    double[] FeatureMean { get; }
    double[] FeatureScale { get; }
    float[,] SkipWeight { get; }
    float[] SkipBias { get; }
    IReadOnlyList<(float[,] Weight, float[] Bias)> HiddenLayers { get; }
    float[,]? FromHiddenWeight { get; }
}
