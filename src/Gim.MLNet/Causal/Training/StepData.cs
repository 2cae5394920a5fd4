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
            Tensor? pooled = tensors.Covariances is null ? null : LinearCausalModel.PooledCovariance(tensors.Weights, tensors.Covariances);
            return new StepData(tensors, tensors.Features, tensors.Weights, Keep(single), pooled?.DetachFromDisposeScope(), ownsFeatures: false);
        }
        int r = replicas.Count, k = train.Contexts.Count, p = train.FeatureCount;
        var features = new float[r * k * p];
        var weights = new float[r * k];
        for (int i = 0; i < r; i++)
        {
            var (data, standardizer) = replicas[i];
            var included = new HashSet<PerturbationContext>(data.Contexts, ReferenceEqualityComparer.Instance);
            for (int c = 0; c < k; c++)
            {
                PerturbationContext context = train.Contexts[c];
                Array.Copy(standardizer.Transform(context.Features), 0, features, (i * k + c) * p, p);
                if (included.Contains(context)) weights[i * k + c] = weighting == ContextWeighting.Equal ? 1f : context.SampleCount;
            }
            float sum = weights.AsSpan(i * k, k).ToArray().Sum();
            for (int c = 0; c < k; c++) weights[i * k + c] /= sum;
        }
        Tensor featureTensor = tensor(features, new long[] { r, k, p }, dtype: dtype, device: device).DetachFromDisposeScope();
        Tensor weightTensor = tensor(weights, new long[] { r, k }, dtype: dtype, device: device).DetachFromDisposeScope();
        DoseInput? dose = null;
        if (encoders[0].Dose is not null)
        {
            DoseInput[] each = encoders.Select((e, i) => e.Dose!.Input(featureTensor[i])).ToArray();
            dose = Keep(new DoseInput(stack(each.Select(x => x.LogDose).ToArray()), stack(each.Select(x => x.Dosed).ToArray())));
        }
        Tensor? pooledCovariance = tensors.Covariances is null ? null : LinearCausalModel.PooledCovariance(weightTensor, tensors.Covariances);
        return new StepData(tensors, featureTensor, weightTensor, dose, pooledCovariance?.DetachFromDisposeScope(), ownsFeatures: true);
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
