using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;
using Gim.MLNet.Runtime;
using static TorchSharp.torch;

namespace Gim.MLNet.Peers;

/// <summary>
/// The ConditionalGaussian peer (generative black box): cells x ~ N(μ(γ), diag σ²(γ)) in standardised units,
/// de-standardised. It predicts the mean and each variable's spread, not the correlations between variables,
/// and has no notion of targets.
/// </summary>
public sealed class ConditionalGaussianModel : PerturbationModel
{
    private readonly FeatureMlp _mlp;

    internal ConditionalGaussianModel(PerturbationDataset train, Standardizer variables, Standardizer features, FeatureMlp mlp, TimeSpan fitTime)
        : base(train, variables, features, fitTime) => _mlp = mlp;

    /// <summary>Splits the MLP output [..., 2d] into the mean and the clamped log-variance.</summary>
    internal static (Tensor Mean, Tensor LogVariance) Split(Tensor output, int variables)
    {
        Tensor[] parts = output.split(variables, -1);
        return (parts[0], parts[1].clamp(-ConditionalGaussianOptions.LogVarianceBound, ConditionalGaussianOptions.LogVarianceBound));
    }

    /// <summary>μ(γ): the predicted mean in control standard deviations.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public override float[] MeanShift(float[] features) => Heads(features).Mean;

    /// <summary>σ(γ): the predicted standard deviation of each variable, in control standard deviations.</summary>
    /// <param name="features">The perturbation's raw features.</param>
    public float[] PredictStandardDeviation(float[] features) => Heads(features).StandardDeviation;

    /// <inheritdoc />
    public override float[] PredictMean(float[] features) => VariableStandardizer.Inverse(MeanShift(features));

    /// <inheritdoc />
    public override float[,] Sample(float[] features, int count, int seed)
    {
        CheckCount(count);
        var (mean, sd) = Heads(features);
        using var scope = TorchScope.Enter();
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        float[] z = randn(new long[] { count, VariableCount }, generator: generator).data<float>().ToArray();
        var cells = new float[count, VariableCount];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < VariableCount; j++)
                cells[i, j] = mean[j] + sd[j] * z[i * VariableCount + j];
        return VariableStandardizer.Inverse(cells);
    }

    /// <summary>The log density of each cell (original units) under N(μ(γ), diag σ²(γ)).</summary>
    /// <param name="features">The perturbation's raw features.</param>
    /// <param name="cells">Cells, rows × variables, original units.</param>
    public override double[] LogDensity(float[] features, float[,] cells)
    {
        CheckCells(cells);
        var (mean, sd) = Heads(features);
        float[,] z = VariableStandardizer.Transform(cells);
        double constant = -LogScaleSum;
        for (int j = 0; j < VariableCount; j++) constant -= 0.5 * Math.Log(2 * Math.PI) + Math.Log(sd[j]);
        var result = new double[z.GetLength(0)];
        for (int i = 0; i < result.Length; i++)
        {
            double quadratic = 0;
            for (int j = 0; j < VariableCount; j++)
            {
                double r = (z[i, j] - mean[j]) / sd[j];
                quadratic += r * r;
            }
            result[i] = constant - 0.5 * quadratic;
        }
        return result;
    }

    /// <summary>The MLP's weights as plain arrays; its 2d outputs are [μ | log σ²].</summary>
    public MlpParameters ExportParameters() => _mlp.ExportParameters();

    /// <inheritdoc />
    public override void Dispose()
    {
        _mlp.Dispose();
        base.Dispose();
    }

    private (float[] Mean, float[] StandardDeviation) Heads(float[] features)
    {
        float[] output = _mlp.Predict(StandardizeFeatures(features));
        int d = VariableCount;
        float[] mean = output[..d];
        float[] sd = output[d..].Select(v => MathF.Exp(0.5f * Math.Clamp(v, -ConditionalGaussianOptions.LogVarianceBound, ConditionalGaussianOptions.LogVarianceBound))).ToArray();
        return (mean, sd);
    }

    /// <summary>The peer as an ONNX graph (<see cref="ConditionalGaussianGraph"/>): Sample, PredictedMean and Shift.</summary>
    /// <param name="options">Input/output names, seed and layout; null for the defaults.</param>
    public override byte[] ExportOnnx(OnnxExportOptions? options = null) => PeerGraph.Export(this, options, g => ConditionalGaussianGraph.Build(g, this));
}
