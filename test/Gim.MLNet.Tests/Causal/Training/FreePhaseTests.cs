using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Peers;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Training;

/// <summary>
/// The free phase (<see cref="GimOptions.FreePhase"/>): its blend schedule, the options it is refused with, and how it meets
/// early stopping, mini-batches and warm starts. Stacked refits and checkpoints: ReplicaStackTests, CheckpointResumeTests.
/// </summary>
public class FreePhaseTests
{
    [Test]
    public void TheBlendWeight_IsOneForHalfThePhase_ThenFallsLinearlyToZero()
    {
        Assert.That(FreePhase.StepsOf(2000, 0.5), Is.EqualTo(1000));
        Assert.That(FreePhase.StepsOf(1000, 0.5), Is.EqualTo(500), "a calibration refit of half the steps: half the phase");
        Assert.That(FreePhase.StepsOf(3, 0.5), Is.EqualTo(2));
        double[] m = new[] { 0, 499, 500, 750, 999, 1000, 5000 }.Select(s => FreePhase.Weight(s, 1000)).ToArray();
        Assert.That(m, Is.EqualTo(new[] { 1, 1, 1, 0.5, 0.002, 0, 0 }).Within(1e-12));
        Assert.That(FreePhase.Weight(0, 0), Is.EqualTo(0), "no phase");
        Assert.That(FreePhase.Weight(0, 1), Is.EqualTo(1), "a phase of one step is all free");
    }

    [TestCase(-0.1)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void AShareOutsideZeroToOne_IsRefused_NamingTheOption(double share)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new GimOptions { FreePhase = share }.Validate());
        Assert.That(e!.ParamName, Is.EqualTo(nameof(GimOptions.FreePhase)));
        Assert.That(e.Message, Does.Contain("[0, 1)"));
    }

    /// <summary>
    /// While the phase lasts the heads are not yet the model: its evaluations are reported, marked, and neither stop the
    /// fit nor become its best state. With patience 1 a fit stops at its first evaluation without improvement.
    /// </summary>
    [Test]
    public void EarlyStopping_WaitsForTheEndOfTheFreePhase()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        var options = new GimOptions
        {
            Seed = 0, MaxSteps = 400, EvaluateEvery = 10, EarlyStoppingPatience = 1, FreePhase = 0.5, CalibrationFolds = 0, LearningRate = 0.02,
        };
        var lines = new List<string>();
        using GimModel model = new GimTrainer(options) { Log = lines.Add }.Fit(screen.Train.Data, screen.PartialOod.Data);
        Assert.That(model.StepsRun, Is.GreaterThan(200), string.Join("\n", lines));
        Assert.That(lines.Count(l => l.EndsWith("(free phase)", StringComparison.Ordinal)), Is.EqualTo(19), "steps 10 to 190 of the 200-step phase");
        Assert.That(model.History.Count(h => h.Step < 200), Is.EqualTo(19), "reported all the same");
        double best = model.History.Where(h => h.Step >= 200).Max(h => h.ValidationLogLikelihood!.Value);
        Assert.That(model.MeanLogLikelihood(screen.PartialOod.Data), Is.EqualTo(best).Within(1e-3),
            "the returned parameters are the best validated ones after the phase");
    }

    /// <summary>
    /// A warm-started fit has no free phase, but its stacked calibration refits (cold starts) have one. The fit keeps its
    /// best state from its first evaluation, as it would alone; out of patience before its refits have run their steps,
    /// it keeps that state and stops once they have (every refit runs its planned steps, as it does unstacked). With a
    /// checkpoint path the refits are not stacked and nothing waits: the main fit is the same (to the rounding that
    /// stacking changes).
    /// </summary>
    [Test]
    public void AWarmStartWithStackedRefitsInTheirPhase_KeepsTheBestStateItWouldKeepAlone()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        PerturbationDataset train = screen.Train.Data, validation = screen.PartialOod.Data;
        GimOptions Options(string? checkpoint)
        {
            var o = new GimOptions
            {
                Seed = 0, MaxSteps = 400, EvaluateEvery = 10, EarlyStoppingPatience = 1, FreePhase = 0.5, CalibrationFolds = 3, LearningRate = 0.02,
                CheckpointPath = checkpoint, CheckpointEvery = 1000,
            };
            o.WarmStart = GimWarmStart.From(new TwoStageWarmStart().Parameters(train, new GimOptions { Seed = 0, MaxSteps = 200 }));
            return o;
        }

        var stackedLog = new List<string>();
        using GimModel stacked = new GimTrainer(Options(null)) { Log = stackedLog.Add }.Fit(train, validation);
        using var folder = new FixtureFiles.TempDir();
        var aloneLog = new List<string>();
        using GimModel alone = new GimTrainer(Options(folder.File("run.ckpt"))) { Log = aloneLog.Add }.Fit(train, validation);

        string log = string.Join("\n", stackedLog);
        Assert.That(stackedLog, Has.None.EndsWith("(free phase)"), "the warm-started fit itself has no phase: " + log);
        Assert.That(aloneLog, Has.Some.StartsWith("early stop at step"), string.Join("\n", aloneLog));
        Assert.That(alone.StepsRun, Is.LessThan(100), "alone, it stops inside what would be the refits' free phase");
        Assert.That(stackedLog, Has.Some.Contains("stops when the calibration refits trained with it have run their steps"), log);
        Assert.That(stacked.StepsRun, Is.EqualTo(200), "stacked, it stops when its refits have run their 200 steps");
        Assert.That(stacked.History.Count(h => h.Step <= alone.StepsRun), Is.EqualTo(alone.History.Count));
        // The main fit's own parameters. (The calibration differs: with a checkpoint path each refit is a fit of its own on
        // its fold's contexts, drawing other relaxation noise than a stacked refit over all contexts with zero weights.)
        Assert.That(stacked.Graph(), Is.EqualTo(alone.Graph()).Within(1e-5), "the same best state as alone");
        Assert.That(stacked.History.Where(h => h.Step <= alone.StepsRun).Max(h => h.ValidationLogLikelihood!.Value),
            Is.EqualTo(alone.History.Max(h => h.ValidationLogLikelihood!.Value)).Within(1e-5), "the same evaluations up to the alone fit's stop");
    }

    /// <summary>A warm start already is a fit's: it gets no free phase (the free interventions would start from zero and pull it away).</summary>
    [Test]
    public void AWarmStartedFit_HasNoFreePhase_WhereAFitFromScratchDoes()
    {
        PerturbationDataset data = TinyLinearScm.Dataset();
        LinearGimParameters start = new TwoStageWarmStart().Parameters(data, TinyLinearScm.Options());
        GimOptions Options(double share, bool warm)
        {
            GimOptions o = TinyLinearScm.Options(steps: 40);
            o.FreePhase = share;
            if (warm) o.WarmStart = GimWarmStart.From(start);
            return o;
        }

        using GimModel warmFree = new GimTrainer(Options(0.5, warm: true)).Fit(data), warm = new GimTrainer(Options(0, warm: true)).Fit(data);
        Assert.That(warmFree.Graph(), Is.EqualTo(warm.Graph()));
        using GimModel free = new GimTrainer(Options(0.5, warm: false)).Fit(data), plain = new GimTrainer(Options(0, warm: false)).Fit(data);
        Assert.That(free.Graph(), Is.Not.EqualTo(plain.Graph()), "from scratch the phase changes the fit");
    }

    /// <summary>
    /// The blend itself, in float64 with distinct numbers in every row: a + m·(F − a) for the step's contexts (a mini-batch
    /// reads its own contexts' rows, in the batch's order) and, stacked, for the step's first replicas with each its own m.
    /// </summary>
    [Test]
    public void TheBlend_ReadsTheStepsContextsAndReplicas_EachWithItsOwnWeight()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        const int k = 4, d = 3;
        using FreePhase single = FreePhase.Create(0.5, new[] { 100 }, new[] { false }, k, d, TorchSharp.torch.ScalarType.Float64, TorchSharp.torch.CPU)!;
        using (TorchSharp.torch.no_grad())
        {
            single.Logits.copy_(TorchSharp.torch.arange(k * d, dtype: TorchSharp.torch.ScalarType.Float64).reshape(k, d));
            single.Shift.copy_(-TorchSharp.torch.arange(k * d, dtype: TorchSharp.torch.ScalarType.Float64).reshape(k, d));
        }
        var batch = TorchSharp.torch.tensor(new long[] { 3, 1 });
        var heads = new InterventionParameters(TorchSharp.torch.full(2, d, 10.0, dtype: TorchSharp.torch.ScalarType.Float64),
            TorchSharp.torch.full(2, d, 20.0, dtype: TorchSharp.torch.ScalarType.Float64), null);
        InterventionParameters blended = single.Blend(heads, TorchSharp.torch.tensor(0.25, dtype: TorchSharp.torch.ScalarType.Float64), batch);
        // Row 0 is context 3 (F = 9, 10, 11; G = −9, −10, −11), row 1 context 1 (F = 3, 4, 5).
        Assert.That(blended.Logits.flatten().data<double>().ToArray(), Is.EqualTo(new[] { 9.75, 10, 10.25, 8.25, 8.5, 8.75 }).Within(1e-12));
        Assert.That(blended.Shift.flatten().data<double>().ToArray(), Is.EqualTo(new[] { 12.75, 12.5, 12.25, 14.25, 14, 13.75 }).Within(1e-12));

        // Three stacked replicas, the step's first two active, each with its own m (1 and 0.5); every context in order.
        using FreePhase stacked = FreePhase.Create(0.5, new[] { 100, 50, 50 }, new[] { false, false, false }, 2, 1, TorchSharp.torch.ScalarType.Float64, TorchSharp.torch.CPU)!;
        Assert.That(new[] { stacked.Length(0), stacked.Length(1), stacked.End }, Is.EqualTo(new[] { 50, 25, 50 }));
        using (TorchSharp.torch.no_grad())
            stacked.Logits.copy_(TorchSharp.torch.tensor(new double[] { 1, 2, 3, 4, 5, 6 }).reshape(3, 2, 1));
        var stackedHeads = new InterventionParameters(TorchSharp.torch.zeros(2, 2, 1, dtype: TorchSharp.torch.ScalarType.Float64),
            TorchSharp.torch.zeros(2, 2, 1, dtype: TorchSharp.torch.ScalarType.Float64), null);
        InterventionParameters both = stacked.Blend(stackedHeads, TorchSharp.torch.tensor(new double[] { 1, 0.5 }).reshape(2, 1, 1), null);
        Assert.That(both.Logits.flatten().data<double>().ToArray(), Is.EqualTo(new[] { 1, 2, 1.5, 2 }).Within(1e-12));
        Assert.That(both.Shift.flatten().data<double>().ToArray(), Is.All.EqualTo(0.0));
    }

    /// <summary>
    /// Mini-batches of contexts and cells train with the free phase (the rows they read are checked by
    /// <see cref="TheBlend_ReadsTheStepsContextsAndReplicas_EachWithItsOwnWeight"/>): the fit names the targets of known
    /// drugs at new doses with the margin the mini-batch test in GimTrainerTests holds without it.
    /// </summary>
    [Test]
    public void MiniBatchesOfContextsAndCells_TrainWithTheirContextsFreeInterventions()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        var options = new GimOptions
        {
            Seed = 0, MaxSteps = 3000, LearningRate = 0.005, TargetSparsity = 3, CalibrationFolds = 0, ContextBatchSize = 16, CellBatchSize = 32, FreePhase = 0.5,
        };
        using GimModel model = new GimTrainer(options).Fit(screen.Train.Data);
        Assert.That(GimTrainerTests.TargetAuroc(model, screen.PartialOod), Is.GreaterThan(0.75));
    }
}
