using System.Diagnostics;
using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Tests.Support;
using TorchSharp;

namespace Gim.MLNet.Tests.Runtime;

/// <summary>Long training loops must not accumulate tensors or native memory.</summary>
public class TensorLeakTests
{
    [Test]
    public void TenThousandSteps_KeepTheLiveTensorCountAndMemoryFlat()
    {
        HillScreen screen = TrainingFixtures.SmallScreen();
        var liveTensors = new List<long>();
        var workingSet = new List<long>();
        var options = new GimOptions
        {
            MaxSteps = 10_000,
            EvaluateEvery = 500,
            EarlyStoppingPatience = 0, // validate every 500 steps without stopping: exercises that path too
            TargetSparsity = 1,
            Progress = new Synchronous(_ =>
            {
                // Progress is reported on the training thread, so the thread's live count is the trainer's.
                liveTensors.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
                workingSet.Add(Process.GetCurrentProcess().WorkingSet64);
            }),
        };
        using GimModel model = new GimTrainer(options).Fit(screen.Train.Data, screen.PartialOod.Data);

        Assert.That(liveTensors, Has.Count.EqualTo(20));
        // After the first evaluation (Adam's state exists by then) nothing may accumulate.
        Assert.That(liveTensors.Skip(1).Distinct(), Is.EqualTo(new[] { liveTensors[1] }),
            $"live tensors per evaluation: {string.Join(", ", liveTensors)}");
        // A leak of one [161 × 20 × 20] float tensor per step would add ~2.5 GB; allow 64 MB of allocator noise.
        long growth = workingSet[^1] - workingSet[1];
        Assert.That(growth, Is.LessThan(64L << 20), $"working set grew by {growth / (1 << 20)} MB over 9,500 steps");
    }

    private sealed class Synchronous(Action<GimTrainingProgress> handler) : IProgress<GimTrainingProgress>
    {
        public void Report(GimTrainingProgress value) => handler(value);
    }
}
