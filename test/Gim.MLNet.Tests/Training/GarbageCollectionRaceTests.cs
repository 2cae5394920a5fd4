using Gim.MLNet.Baselines;
using Gim.MLNet.Interventions;
using Gim.MLNet.Prediction;
using Gim.MLNet.Tests.Onnx;

namespace Gim.MLNet.Tests.Training;

/// <summary>
/// TorchSharp frees its temporary Scalars from their finalizers, possibly while a native call still reads them
/// (FinalizerHold). Another thread forcing a garbage collection every millisecond made 137 of 144 GIM fits fail
/// ("Expected false to be true", "Unknown scalar type") before the hold; with it, none may.
/// </summary>
public class GarbageCollectionRaceTests
{
    private static void UnderCollections(Action work)
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            work();
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }

    [Test]
    public void GimTrainingAndPrediction_SurviveCollectionsFromAnotherThread()
    {
        UnderCollections(() =>
        {
            for (int fit = 0; fit < 4; fit++)
            {
                using GimModel model = TinyLinearScm.Train(InterventionKind.Shift, depth: 0, steps: 300);
                for (int i = 0; i < 50; i++)
                    Assert.That(model.Sample(TinyLinearScm.Features("r1", 1 + i % 3), 20, seed: i).Cast<float>().All(float.IsFinite), Is.True);
            }
        });
    }

    [Test]
    public void PeerTraining_SurvivesCollectionsFromAnotherThread()
    {
        UnderCollections(() =>
        {
            for (int fit = 0; fit < 3; fit++)
            {
                using MeanShiftModel model = new MeanShiftTrainer(new MeanShiftOptions { MaxSteps = 300, Seed = fit }).Fit(TinyLinearScm.Dataset());
                Assert.That(model.PredictMean(TinyLinearScm.Features("r2", 2)).All(float.IsFinite), Is.True);
            }
        });
    }
}
