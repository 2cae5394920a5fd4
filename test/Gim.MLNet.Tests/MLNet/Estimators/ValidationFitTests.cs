using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.MLNet.Estimators;

/// <summary><c>Fit(train, validation)</c>, as ML.NET's boosted-tree trainers offer it: validation contexts drive early stopping.</summary>
public class ValidationFitTests
{
    private static (IDataView Train, IDataView Validation) Split(MLContext mlContext)
    {
        // Whole reagents held out (both doses), no control cells among them.
        var cells = GimTestData.FeatureCells(cellsPerContext: 40);
        bool Held(GimTestData.FeatureCell c) => c.Context.StartsWith("r4@", StringComparison.Ordinal);
        return (mlContext.Data.LoadFromEnumerable(cells.Where(c => !Held(c)).ToList()),
            mlContext.Data.LoadFromEnumerable(cells.Where(Held).ToList()));
    }

    [Test]
    public void ValidationData_StopsTrainingEarly_AndIsScoredAtEveryEvaluation()
    {
        var mlContext = new MLContext(seed: 1);
        var (train, validation) = Split(mlContext);
        GimOptions options = GimTestData.Options(steps: 3000);
        // docs: validation
        // validation: rows of held-out perturbations (every dose of a drug), same columns; no control cells needed.
        options.EvaluateEvery = 20;          // score the validation contexts every 20 steps
        options.EarlyStoppingPatience = 2;   // stop after 2 evaluations without improvement; keep the best parameters
        GimEstimator estimator = mlContext.Perturbation().Trainers.Gim(options);
        using GimTransformer withValidation = estimator.Fit(train, validation);
        // docs: end
        using GimTransformer without = estimator.Fit(train);

        Assert.That(without.Model.StepsRun, Is.EqualTo(3000), "without validation data nothing stops the run");
        Assert.That(without.Model.History.All(h => h.ValidationLogLikelihood is null));
        Assert.That(withValidation.Model.History.All(h => h.ValidationLogLikelihood is double v && double.IsFinite(v)), "every evaluation scores the validation contexts");
        Assert.That(withValidation.Model.StepsRun, Is.LessThan(3000), "patience 2 at 20-step evaluations stops a 3,000-step run on this small screen");
    }

    [Test]
    public void EarlyStopping_KeepsTheParametersOfTheBestEvaluation()
    {
        var data = TinyLinearScm.Dataset(cellsPerContext: 40);
        var held = data.Contexts.Where(c => c.Name.StartsWith("r4@", StringComparison.Ordinal)).ToList();
        var train = new Gim.MLNet.Data.PerturbationDataset(data.Contexts.Except(held).ToList(), data.VariableNames, data.FeatureNames);
        var validation = new Gim.MLNet.Data.PerturbationDataset(held, data.VariableNames, data.FeatureNames);
        GimOptions options = TinyLinearScm.Options(steps: 3000);
        options.EvaluateEvery = 20;
        options.EarlyStoppingPatience = 2;
        using GimModel model = new GimTrainer(options).Fit(train, validation);
        // Evaluations inside the free phase (the first half of the steps) are reported but cannot be the best state.
        int phase = FreePhase.StepsOf(options.MaxSteps, options.FreePhase);
        double best = model.History.Where(h => h.Step >= phase).Max(h => h.ValidationLogLikelihood!.Value);
        Assert.That(model.History[^1].ValidationLogLikelihood, Is.LessThan(best), "the run went past its best evaluation before stopping");
        Assert.That(model.MeanLogLikelihood(validation), Is.EqualTo(best).Within(1e-5), "the returned model is the best evaluation's");
    }

    [Test]
    public void ValidationData_WithTheVariablesInAnotherOrder_IsRefused()
    {
        var data = TinyLinearScm.Dataset(cellsPerContext: 20);
        var reordered = new Gim.MLNet.Data.PerturbationDataset(data.Contexts.Where(c => !c.IsControl).ToList(), data.VariableNames.Reverse().ToArray(), data.FeatureNames);
        var ex = Assert.Throws<ArgumentException>(() => new GimTrainer(TinyLinearScm.Options(steps: 5)).Fit(data, reordered))!;
        Assert.That(ex.Message, Does.Contain("variable 0 is 'g4'").And.Contain("'g0'"));
    }

    [Test]
    public void ValidationData_WithAMissingColumn_IsRefusedBeforeTraining()
    {
        var mlContext = new MLContext(seed: 1);
        var (train, _) = Split(mlContext);
        IDataView noMeasurements = mlContext.Transforms.DropColumns("Measurements").Fit(train).Transform(train);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.Perturbation().Trainers.Gim(GimTestData.Options(steps: 10)).Fit(train, noMeasurements))!;
        Assert.That(ex.Message, Does.StartWith("Validation data: Column 'Measurements'"));
        Assert.That(ex.ParamName, Is.EqualTo("validation"));
    }

    [Test]
    public void ValidationData_WithOtherFeatures_IsRefusedNamingBothCounts()
    {
        var mlContext = new MLContext(seed: 1);
        var (train, _) = Split(mlContext);
        var other = TinyLinearScm.Cells(cellsPerContext: 10).Where(c => !c.IsControl).Select(c => new GimNarrowCell
        {
            Features = new[] { c.Dose }, Measurements = c.Measurements, Context = c.Context, IsControl = false,
        });
        var ex = Assert.Throws<ArgumentException>(() => mlContext.Perturbation().Trainers.Gim(GimTestData.Options(steps: 10)).Fit(train, mlContext.Data.LoadFromEnumerable(other)))!;
        Assert.That(ex.Message, Does.Contain("validation").IgnoreCase.And.Contain("1 features").And.Contain($"{GimTestData.FeatureCount}"));
    }

    private sealed class GimNarrowCell
    {
        [Microsoft.ML.Data.VectorType(1)] public float[] Features { get; set; } = Array.Empty<float>();
        [Microsoft.ML.Data.VectorType(TinyLinearScm.Variables)] public float[] Measurements { get; set; } = Array.Empty<float>();
        public string Context { get; set; } = "";
        public bool IsControl { get; set; }
    }
}
