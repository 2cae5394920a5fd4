using Gim.MLNet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// The free phase of a fit (<see cref="GimOptions.FreePhase"/>): each training context k gets target logits F_k and shifts
/// G_k of its own ([K, d], or [R, K, d] for stacked replicas; from zero, trained with everything else), which at first
/// stand in for the encoder's heads:
/// a_k ← a(γ_k) + m·(F_k − a(γ_k)) and ψ_k ← ψ(γ_k) + m·(G_k − ψ(γ_k)),
/// with m = 1 for the first half of the phase, falling linearly to 0 at its end (<see cref="Weight"/>), and the heads alone
/// from there on. While m = 1 the causal model and the free interventions fit the data as the two-stage peer's first stage
/// does (every context's intervention its own); while m falls the encoder learns, through the blend, what they found.
/// </summary>
/// <remarks>
/// Why (docs/results/dev-seeds/graph-sparsity-0.12.1, §7): a joint fit from the start can settle on a graph that explains
/// a drug through the wrong mechanisms, because the encoder ties the drugs' interventions together before the graph is
/// known; what the two-stage peer and its warm start share is this free start, without their second fit.
/// </remarks>
internal sealed class FreePhase : IDisposable
{
    private readonly int[] _lengths;
    private readonly StepSchedule _weights;

    private FreePhase(long[] shape, int[] lengths, ScalarType dtype, Device device)
    {
        _lengths = lengths;
        _weights = new StepSchedule((i, s) => Weight(s, lengths[i]), lengths.Length, stacked: lengths.Length > 1, dtype, device);
        using var scope = TorchScope.Enter();
        Logits = new Parameter(zeros(shape, dtype: dtype, device: device).DetachFromDisposeScope());
        Shift = new Parameter(zeros(shape, dtype: dtype, device: device).DetachFromDisposeScope());
    }

    /// <summary>The free target logits F ([K, d] or [R, K, d]).</summary>
    public Parameter Logits { get; }

    /// <summary>The free shifts G (the shape of <see cref="Logits"/>).</summary>
    public Parameter Shift { get; }

    /// <summary>The trainable tensors, for the optimiser (after the modules' own, so a checkpoint's optimiser state lines up).</summary>
    public IEnumerable<Parameter> Parameters => new[] { Logits, Shift };

    /// <summary>The first step at which every replica reads its heads alone.</summary>
    public int End => _lengths.Max();

    /// <summary>The phase's length in steps of replica <paramref name="replica"/>.</summary>
    public int Length(int replica) => _lengths[replica];

    /// <summary>
    /// m of every replica at <paramref name="step"/> (a view: a scalar, or [R, 1, 1] stacked), or null from <see cref="End"/>
    /// on, when every replica reads its heads alone.
    /// </summary>
    public Tensor? WeightsAt(int step) => step < End ? _weights.At(step) : null;

    /// <summary>
    /// The free phase for replicas with <paramref name="steps"/> steps each, a <paramref name="fraction"/> of them (0 for a
    /// replica with a warm start, <paramref name="warmStarted"/>: its start already is a fit's), over
    /// <paramref name="contexts"/> training contexts and <paramref name="variables"/> variables; null when no replica has one.
    /// </summary>
    public static FreePhase? Create(double fraction, IReadOnlyList<int> steps, IReadOnlyList<bool> warmStarted, long contexts, int variables,
        ScalarType dtype, Device device)
    {
        int[] lengths = steps.Select((s, i) => warmStarted[i] ? 0 : StepsOf(s, fraction)).ToArray();
        if (lengths.All(n => n == 0)) return null;
        long[] shape = steps.Count == 1 ? new[] { contexts, (long)variables } : new[] { steps.Count, contexts, (long)variables };
        return new FreePhase(shape, lengths, dtype, device);
    }

    /// <summary>The phase's length in a fit of <paramref name="steps"/> steps: the <paramref name="fraction"/> of them, rounded.</summary>
    public static int StepsOf(int steps, double fraction) => (int)Math.Round(fraction * steps, MidpointRounding.AwayFromZero);

    /// <summary>
    /// m at step <paramref name="step"/> (0-based) of a phase of <paramref name="length"/> steps: 1 up to step ⌊length/2⌋
    /// (its first ⌊length/2⌋ + 1 steps, the formula below giving 1 at ⌊length/2⌋ itself), then (length − step)/(length − ⌊length/2⌋),
    /// falling linearly toward 0 at <paramref name="length"/>; 0 from there on.
    /// </summary>
    public static double Weight(int step, int length)
    {
        if (step >= length) return 0;
        int half = length / 2;
        return step < half ? 1 : (length - step) / (double)(length - half);
    }

    /// <summary>
    /// The heads of a step blended with the free interventions: <paramref name="weight"/> is m (a scalar, or [R', 1, 1] for
    /// the step's first R' stacked replicas), <paramref name="contexts"/> the step's contexts (null: all of them in order).
    /// </summary>
    public InterventionParameters Blend(InterventionParameters heads, Tensor weight, Tensor? contexts)
    {
        Tensor logits = Logits, shift = Shift;
        if (logits.dim() == 3 && heads.Logits.shape[0] < logits.shape[0])
        {
            logits = logits.narrow(0, 0, heads.Logits.shape[0]);
            shift = shift.narrow(0, 0, heads.Logits.shape[0]);
        }
        if (contexts is not null)
        {
            logits = logits.index_select(logits.dim() - 2, contexts);
            shift = shift.index_select(shift.dim() - 2, contexts);
        }
        return heads with
        {
            Logits = heads.Logits + weight * (logits - heads.Logits),
            Shift = heads.Shift + weight * (shift - heads.Shift),
        };
    }

    public void Dispose()
    {
        _weights.Dispose();
        Logits.Dispose();
        Shift.Dispose();
    }
}
