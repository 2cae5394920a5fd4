using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Model;

/// <summary>Hand-built or edited parameter sets: every import rejects a bad one with an ArgumentException that says what is wrong.</summary>
public class ParameterValidationTests
{
    private GimModel _model = null!;
    private LinearGimParameters _parameters = null!;

    [OneTimeSetUp]
    public void Train()
    {
        _model = TinyLinearScm.Train(InterventionKind.Shift, depth: 2, steps: 20);
        _parameters = _model.ExportParameters();
    }

    [OneTimeTearDown]
    public void Dispose() => _model.Dispose();

    [Test]
    public void NullParameters_ArgumentNullException()
    {
        Assert.That(() => GimModel.FromParameters((LinearGimParameters)null!), Throws.ArgumentNullException);
        Assert.That(() => GimModel.FromParameters((NonlinearGimParameters)null!), Throws.ArgumentNullException);
    }

    [Test]
    public void HiddenLayersOfDifferentWidths_AreRejectedUpFront()
    {
        // The encoder has one width; layers that chain (5 → 4 → 4 is what trained; here 5 → 3 → 4) but differ in width
        // used to fail inside TorchSharp with a tensor-size message.
        var (first, second) = (_parameters.HiddenLayers[0], _parameters.HiddenLayers[1]);
        int inputs = first.Weight.GetLength(1), width = first.Weight.GetLength(0);
        var narrow = (Weight: new float[width - 1, inputs], Bias: new float[width - 1]);
        var next = (Weight: new float[width, width - 1], second.Bias);
        var edited = Copy(_parameters, hiddenLayers: new[] { narrow, next });
        Assert.That(() => GimModel.FromParameters(edited),
            Throws.ArgumentException.With.Message.Contains("every hidden layer must have the same width"));
    }

    [Test]
    public void FitsWhatWasExported_RoundTrips()
    {
        using GimModel copy = GimModel.FromParameters(Copy(_parameters));
        float[] features = TinyLinearScm.Features("r1", 2);
        Assert.That(copy.PredictMean(features), Is.EqualTo(_model.PredictMean(features)));
    }

    private static LinearGimParameters Copy(LinearGimParameters p, IReadOnlyList<(float[,] Weight, float[] Bias)>? hiddenLayers = null) => new()
    {
        VariableNames = p.VariableNames, FeatureNames = p.FeatureNames,
        VariableMean = p.VariableMean, VariableScale = p.VariableScale,
        FeatureMean = p.FeatureMean, FeatureScale = p.FeatureScale,
        Graph = p.Graph, Bias = p.Bias, LogScale = p.LogScale,
        Interventions = p.Interventions, SkipWeight = p.SkipWeight, SkipBias = p.SkipBias,
        HiddenLayers = hiddenLayers ?? p.HiddenLayers, FromHiddenWeight = p.FromHiddenWeight,
    };
}
