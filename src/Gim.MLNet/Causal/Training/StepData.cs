using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Runtime;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// What every training step reads besides the parameters, computed once: the contexts' tensors, the encoder's input
/// (standardised features; [K, p], or [R, K, p] with each replica's own standardisation), the context weights ([K], or
/// [R, K] with zero for the contexts a calibration refit holds out), the dose input of a dose path, and — for a full batch
/// of moments — the weighted pooled covariance the shift-only likelihood reads (<see cref="LinearCausalModel.PooledCovariance"/>).
/// </summary>
internal sealed class StepData : IDisposable
{
    private readonly bool _ownsFeatures;

    private StepData(ContextTensors tensors, Tensor features, Tensor weights, DoseInput? dose, Tensor? pooledCovariance, bool ownsFeatures)
    {
        Controls = ControlTargets.Positions(tensors.Perturbed).DetachFromDisposeScope();
        Tensors = tensors;
        Features = features;
        Weights = weights;
        Dose = dose;
        PooledCovariance = pooledCovariance;
        _ownsFeatures = ownsFeatures;
    }

    /// <summary>The training contexts' tensors (the full fit's standardisation).</summary>
    public ContextTensors Tensors { get; }

    /// <summary>The positions of the control contexts (<see cref="ControlTargets.Positions"/>).</summary>
    public Tensor Controls { get; }

    /// <summary>The encoder's input.</summary>
    public Tensor Features { get; }

    /// <summary>The contexts' weights, each replica's summing to 1.</summary>
    public Tensor Weights { get; }

    /// <summary>The dose as the curve reads it, or null without a dose path.</summary>
    public DoseInput? Dose { get; }

    /// <summary>Σ_k w_k C_k over all contexts, or null in cell mode.</summary>
    public Tensor? PooledCovariance { get; }

    /// <summary>
    /// The step data for the training contexts <paramref name="train"/> and one replica per entry of
    /// <paramref name="replicas"/> (its training contexts, a subset of <paramref name="train"/>'s, and their feature
    /// standardisation) with its encoder; one replica: the tensors as they are.
    /// </summary>
    public static StepData Create(ContextTensors tensors, IReadOnlyList<(PerturbationDataset Data, Standardizer Features)> replicas,
        IReadOnlyList<InterventionEncoder> encoders, PerturbationDataset train, ContextWeighting weighting, ScalarType dtype, Device device)
    {
        using var scope = TorchScope.Enter();
        if (replicas.Count == 1)
        {
            DoseInput? single = encoders[0].Dose?.Input(tensors.Features);
            return new StepData(tensors, tensors.Features, tensors.Weights, Keep(single), Pool(tensors, tensors.Weights, single: true)?.DetachFromDisposeScope(), ownsFeatures: false);
        }
        int r = replicas.Count, k = train.Contexts.Count, p = train.FeatureCount;
        var features = new float[r * k * p];
        for (int i = 0; i < r; i++)
            for (int c = 0; c < k; c++)
                Array.Copy(replicas[i].Features.Transform(train.Contexts[c].Features), 0, features, (i * k + c) * p, p);
        float[][] each = ReplicaWeights(replicas.Select(x => x.Data).ToList(), train, weighting);
        Tensor featureTensor = tensor(features, new long[] { r, k, p }, dtype: dtype, device: device).DetachFromDisposeScope();
        Tensor weightTensor = tensor(each.SelectMany(w => w).ToArray(), new long[] { r, k }, dtype: dtype, device: device).DetachFromDisposeScope();
        DoseInput? dose = null;
        if (encoders[0].Dose is not null)
        {
            DoseInput[] inputs = encoders.Select((e, i) => e.Dose!.Input(featureTensor[i])).ToArray();
            dose = Keep(new DoseInput(stack(inputs.Select(x => x.LogDose).ToArray()), stack(inputs.Select(x => x.Dosed).ToArray())));
        }
        return new StepData(tensors, featureTensor, weightTensor, dose, Pool(tensors, weightTensor, single: false)?.DetachFromDisposeScope(), ownsFeatures: true);
    }

    /// <summary>
    /// Each replica's weight over the training contexts <paramref name="train"/>: zero for the contexts it holds out, the
    /// others equal or by cell count, summing to 1 ([R][K]; what <see cref="ContextTensors"/> pools the covariances with).
    /// </summary>
    public static float[][] ReplicaWeights(IReadOnlyList<PerturbationDataset> replicas, PerturbationDataset train, ContextWeighting weighting)
    {
        int k = train.Contexts.Count;
        var result = new float[replicas.Count][];
        for (int i = 0; i < replicas.Count; i++)
        {
            var included = new HashSet<PerturbationContext>(replicas[i].Contexts, ReferenceEqualityComparer.Instance);
            var weights = new float[k];
            for (int c = 0; c < k; c++)
            {
                PerturbationContext context = train.Contexts[c];
                if (included.Contains(context)) weights[c] = weighting == ContextWeighting.Equal ? 1f : context.SampleCount;
            }
            float sum = weights.Sum();
            for (int c = 0; c < k; c++) weights[c] /= sum;
            result[i] = weights;
        }
        return result;
    }

    /// <summary>The pooled covariance per replica: the tensors' own pools, or the weighted sum of their per-context covariances; null in cell mode.</summary>
    private static Tensor? Pool(ContextTensors tensors, Tensor weights, bool single)
    {
        if (tensors.Pooled is not null) return single ? tensors.Pooled[0] : tensors.Pooled.narrow(0, 0, tensors.Pooled.shape[0]);
        return tensors.Covariances is null ? null : LinearCausalModel.PooledCovariance(weights, tensors.Covariances);
    }

    private static DoseInput? Keep(DoseInput? dose) =>
        dose is null ? null : new DoseInput(dose.LogDose.DetachFromDisposeScope(), dose.Dosed.DetachFromDisposeScope());

    /// <summary>What a step of the first <paramref name="count"/> replicas reads (views; everything for all of them).</summary>
    public Inputs First(int count)
    {
        if (count == Features.shape[0] || Features.dim() == 2) return new Inputs(Features, Weights, Dose, PooledCovariance);
        Tensor N(Tensor t) => t.narrow(0, 0, count);
        return new Inputs(N(Features), N(Weights), Dose is null ? null : new DoseInput(N(Dose.LogDose), N(Dose.Dosed)),
            PooledCovariance is null ? null : N(PooledCovariance));
    }

    /// <summary>The per-replica part of a step's data: encoder input, weights, dose input, pooled covariance.</summary>
    public sealed record Inputs(Tensor Features, Tensor Weights, DoseInput? Dose, Tensor? PooledCovariance);

    public void Dispose()
    {
        if (_ownsFeatures)
        {
            Features.Dispose();
            Weights.Dispose();
        }
        Controls.Dispose();
        Dose?.LogDose.Dispose();
        Dose?.Dosed.Dispose();
        PooledCovariance?.Dispose();
    }
}
