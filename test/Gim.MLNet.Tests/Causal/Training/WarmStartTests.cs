using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Peers;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.Causal.Training;

/// <summary>Starting GIM from given parameters (the two-stage solution): loaded exactly, checked against the data and options.</summary>
public class WarmStartTests
{
    private PerturbationDataset _data = null!;
    private LinearGimParameters _start = null!;

    [OneTimeSetUp]
    public void FitTheStart()
    {
        _data = TinyLinearScm.Dataset();
        _start = new TwoStageWarmStart().Parameters(_data, TinyLinearScm.Options());
    }

    [Test]
    public void OneTinyStep_LeavesTheModelWhereItStarted()
    {
        GimOptions options = TinyLinearScm.Options(steps: 1);
        options.LearningRate = 1e-9;
        options.WarmStart = GimWarmStart.From(_start);
        using GimModel started = new GimTrainer(options).Fit(_data);
        using GimModel reference = GimModel.FromParameters(_start);
        foreach (float[] features in new[] { TinyLinearScm.Features("r1", 2), TinyLinearScm.Features("r3", 0.5f) })
        {
            Assert.That(started.PredictMean(features), Is.EqualTo(reference.PredictMean(features)).Within(1e-4));
            Assert.That(started.Explain(features).TargetProbabilities, Is.EqualTo(reference.Explain(features).TargetProbabilities).Within(1e-4));
        }
        Assert.That(started.Graph(), Is.EqualTo(reference.Graph()).Within(1e-6));
    }

    [Test]
    public void AStartFromOtherData_IsRefused()
    {
        LinearGimParameters other = new TwoStageWarmStart().Parameters(TinyLinearScm.Dataset(seed: 2), TinyLinearScm.Options());
        GimOptions options = TinyLinearScm.Options(steps: 1);
        options.WarmStart = GimWarmStart.From(other);
        Assert.That(() => new GimTrainer(options).Fit(_data),
            Throws.ArgumentException.With.Message.Contains("standardised on other data"));
    }

    [Test]
    public void AStartThatDoesNotFitTheOptions_IsRefused()
    {
        GimOptions nonlinear = TinyLinearScm.Options(steps: 1);
        nonlinear.CausalModel = CausalModelKind.Nonlinear;
        nonlinear.WarmStart = GimWarmStart.From(_start);
        Assert.That(() => new GimTrainer(nonlinear).Fit(_data),
            Throws.ArgumentException.With.Message.Contains("linear causal model"));
        nonlinear.WarmStart = new TwoStageWarmStart();
        Assert.That(() => new GimTrainer(nonlinear), Throws.ArgumentException.With.Message.Contains("EncoderDepth = 0"));
        GimOptions deep = TinyLinearScm.Options(depth: 1, steps: 1);
        deep.WarmStart = GimWarmStart.From(_start);
        Assert.That(() => new GimTrainer(deep).Fit(_data),
            Throws.ArgumentException.With.Message.Contains("differs from GimOptions"));
    }

    [Test]
    public void Estimator_TwoStageWarmStart_FitsAndPredicts_AndChecksItsOptions()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView cells = mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(60));
        // docs: warmstart
        var warm = new GimOptions
        {
            WarmStart = new TwoStageWarmStart(), // fit the two-stage peer first, then refine jointly
            MaxSteps = 500,                      // 500 joint steps did best on the Hill screen
        };
        using GimTransformer model = mlContext.Perturbation().Trainers.Gim(warm).Fit(cells);
        // docs: end
        Assert.That(GimTestData.Column(model.Transform(cells), "PredictedMean"), Has.All.All.Matches<float>(float.IsFinite));

        GimOptions deep = GimTestData.Options(steps: 100);
        deep.WarmStart = new TwoStageWarmStart();
        deep.EncoderDepth = 1;
        Assert.That(() => mlContext.Perturbation().Trainers.Gim(deep), Throws.ArgumentException.With.Message.Contains("TwoStageWarmStart"));
    }
}
