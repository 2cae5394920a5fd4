using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// R linear GIMs of one structure (the full fit and its calibration refits) trained as one: each of their parameters is
/// stacked along a new leading dimension into one trainable tensor, so that a step runs the same operations as one
/// model's step on R times the numbers. A step on this problem costs what its ~90 operations cost to dispatch, not
/// their arithmetic, so the R fits take about the time of one (docs/performance.md). The replicas' losses are summed and
/// Adam's update is element-wise, so each replica follows exactly its own gradient.
/// </summary>
/// <remarks>
/// The replicas' modules are built (and warm-started) as usual and then copied in; <see cref="CopyBack"/> writes a
/// replica's slices back into its modules, which then predict, evaluate and export as any model's do.
/// </remarks>
internal sealed class ReplicaStack : IDisposable
{
    private readonly IReadOnlyList<(LinearCausalModel Causal, InterventionEncoder Encoder)> _replicas;
    private readonly Parameter[] _stacked;
    private readonly Tensor[] _covariateStandardisation = Array.Empty<Tensor>();

    /// <param name="replicas">The modules, all with the same shapes (variables, features, encoder, dose path).</param>
    public ReplicaStack(IReadOnlyList<(LinearCausalModel Causal, InterventionEncoder Encoder)> replicas)
    {
        if (replicas.Count < 1) throw new ArgumentException("At least one replica is needed.", nameof(replicas));
        _replicas = replicas;
        Tensor[][] tensors = replicas.Select(r => Flatten(r.Causal.Tensors, r.Encoder.Tensors)).ToArray();
        _stacked = new Parameter[tensors[0].Length];
        using (no_grad())
            for (int i = 0; i < _stacked.Length; i++)
                _stacked[i] = new Parameter(stack(tensors.Select(t => t[i]).ToArray()).DetachFromDisposeScope(), requires_grad: tensors[0][i].requires_grad);
        LinearScmTensors causal = replicas[0].Causal.Tensors;
        // Factored replicas (GimOptions.GraphRank) stack U and V in place of the dense B, which they do not read (the
        // stack's RawWeights is then U, and Weights() reads the factors).
        bool factored = causal.CauseFactor is not null;
        int first = factored ? 1 : 0;
        Causal = new LinearScmTensors(_stacked[0], _stacked[first + 1], _stacked[first + 2], causal.OffDiagonal, causal.Identity)
        {
            CauseFactor = factored ? _stacked[0] : null,
            EffectFactor = factored ? _stacked[1] : null,
        };
        EncoderTensors encoder = replicas[0].Encoder.Tensors;
        int next = first + 5;
        var hidden = new List<(Tensor, Tensor)>();
        foreach (var _ in encoder.Hidden)
        {
            hidden.Add((_stacked[next], _stacked[next + 1]));
            next += 2;
        }
        Tensor? fromHidden = encoder.FromHiddenWeight is null ? null : _stacked[next++];
        Tensor? curveWeight = encoder.CurveWeight is null ? null : _stacked[next++];
        Tensor? curveBias = encoder.CurveBias is null ? null : _stacked[next++];
        Tensor? covariateWeight = encoder.CovariateWeight is null ? null : _stacked[next++];
        // Each replica undoes its own standardisation of the covariate slots ([R, 1, c]; the slots are the same).
        CovariateInput? covariates = null;
        if (encoder.Covariates is { } slots)
        {
            // The stacks are the scope's; only their [R, 1, c] views are kept.
            using (NewDisposeScope())
                _covariateStandardisation = new[]
                {
                    stack(replicas.Select(r => r.Encoder.Covariates!.Input.Mean).ToArray()).unsqueeze(1).DetachFromDisposeScope(),
                    stack(replicas.Select(r => r.Encoder.Covariates!.Input.Scale).ToArray()).unsqueeze(1).DetachFromDisposeScope(),
                };
            covariates = new CovariateInput(slots.Index, _covariateStandardisation[0], _covariateStandardisation[1]);
        }
        Encoder = new EncoderTensors(_stacked[first + 3], _stacked[first + 4], hidden, fromHidden, curveWeight, curveBias, encoder.DoseMask)
        {
            CovariateWeight = covariateWeight, Covariates = covariates,
        };
    }

    /// <summary>The number of replicas R.</summary>
    public int Count => _replicas.Count;

    /// <summary>The stacked causal tensors ([R, d, d] or factors [R, d, r], [R, d]).</summary>
    public LinearScmTensors Causal { get; }

    /// <summary>The stacked encoder tensors (a leading R on each; the dose mask shared).</summary>
    public EncoderTensors Encoder { get; }

    /// <summary>The first <paramref name="count"/> replicas' tensors (views; all of them when <paramref name="count"/> is <see cref="Count"/>).</summary>
    public (LinearScmTensors Causal, EncoderTensors Encoder) First(int count)
    {
        if (count == Count) return (Causal, Encoder);
        Tensor N(Tensor t) => t.narrow(0, 0, count);
        Tensor? M(Tensor? t) => t is null ? null : N(t);
        return (Causal with
            {
                RawWeights = N(Causal.RawWeights), Bias = N(Causal.Bias), LogScale = N(Causal.LogScale),
                CauseFactor = M(Causal.CauseFactor), EffectFactor = M(Causal.EffectFactor),
            },
            Encoder with
            {
                SkipWeight = N(Encoder.SkipWeight), SkipBias = N(Encoder.SkipBias), Hidden = Encoder.Hidden.Select(h => (N(h.Weight), N(h.Bias))).ToArray(),
                FromHiddenWeight = M(Encoder.FromHiddenWeight), CurveWeight = M(Encoder.CurveWeight), CurveBias = M(Encoder.CurveBias),
                CovariateWeight = M(Encoder.CovariateWeight),
                Covariates = Encoder.Covariates is { } c ? c with { Mean = N(c.Mean), Scale = N(c.Scale) } : null,
            });
    }

    /// <summary>The trainable tensors, for the optimiser.</summary>
    public IEnumerable<Parameter> Parameters => _stacked;

    /// <summary>Writes replica <paramref name="replica"/>'s slices into its modules.</summary>
    public void CopyBack(int replica)
    {
        using var _ = no_grad();
        Tensor[] own = Flatten(_replicas[replica].Causal.Tensors, _replicas[replica].Encoder.Tensors);
        for (int i = 0; i < own.Length; i++)
        {
            using Tensor slice = _stacked[i][replica];
            own[i].copy_(slice);
        }
    }

    /// <summary>One model's tensors in a fixed order: B (or U and V), b, log s, skip weight and bias, hidden layers, MLP output, dose curve, covariates' U.</summary>
    private static Tensor[] Flatten(LinearScmTensors causal, EncoderTensors encoder) =>
        (causal.CauseFactor is null ? new[] { causal.RawWeights } : new[] { causal.CauseFactor, causal.EffectFactor! })
        .Concat(new[] { causal.Bias, causal.LogScale, encoder.SkipWeight, encoder.SkipBias })
            .Concat(encoder.Hidden.SelectMany(h => new[] { h.Weight, h.Bias }))
            .Concat(new[] { encoder.FromHiddenWeight, encoder.CurveWeight, encoder.CurveBias, encoder.CovariateWeight }.OfType<Tensor>())
            .ToArray();

    public void Dispose()
    {
        foreach (Parameter p in _stacked) p.Dispose();
        foreach (Tensor t in _covariateStandardisation) t.Dispose();
    }
}
