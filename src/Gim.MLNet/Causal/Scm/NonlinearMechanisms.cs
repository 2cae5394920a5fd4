using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// The d mechanisms of the nonlinear SCM, one masked one-hidden-layer MLP plus a linear term per variable,
/// evaluated for all variables at once: f_j(x) = r_j (Σ_{i≠j} L_ji x_i + Σ_h v_jh tanh(Σ_{i≠j} W_jhi x_i + c_jh)).
/// </summary>
/// <remarks>
/// <para>Linear term: with it the family contains the linear SCM (v = 0, L = B), which the MLP alone can only
/// approximate; it starts at L = 0 (the linear model's warm start B = 0). It can be switched off
/// (<see cref="NonlinearCausalOptions.LinearTerm"/>), which fixes L = 0.</para>
/// <para>Mask: W_j·i and L_ji for i = j are forced to zero (no self-loops), so variable j sees only x ⊙ m_j.
/// The edge i → j exists exactly when C_ji below is non-zero. The sparsity penalty is Σ C_ji, which rescaling an
/// MLP unit (W up, v down) cannot lower, unlike a norm of W alone; the edge strength is r_j C_ji, the largest
/// |∂f_j/∂x_i| the mechanism allows, in standardised units like the linear model's B.</para>
/// <para>Contraction (why the equilibrium exists and is unique): since |tanh'| ≤ 1,
/// |∂f_j/∂x_i| ≤ r_j (|L_ji| + Σ_h |v_jh||W_jhi|) =: r_j C_ji for every x. With positive weights w (learned), let
/// R_j = Σ_i C_ji w_i / w_j and r_j = min(1, κ / R_j). Then every Jacobian satisfies
/// max_j Σ_i |J_ji| w_i / w_j ≤ κ &lt; 1, i.e. f is a κ-contraction in the weighted max-norm
/// ‖x‖_w = max_i |x_i| / w_i. Banach's theorem gives a unique fixed point of x = f(x) + c for every c, and
/// the iteration from any start converges geometrically with rate κ. The spectral radius of J is then ≤ κ,
/// so det(I − J) &gt; 0. Learning w lets acyclic or nearly acyclic graphs with strong edges fit (a DAG's
/// bound matrix has spectral radius 0, and some weighting brings any such matrix's weighted row sums below κ).</para>
/// </remarks>
internal sealed class NonlinearMechanisms : nn.Module
{
    /// <summary>log w = LogWeightBound·tanh(θ / LogWeightBound): keeps the norm's weights within e^±3.</summary>
    public const double LogWeightBound = 3.0;

    private readonly Parameter _first;       // [d, H, d]: effect j, hidden unit h, cause i
    private readonly Parameter _firstBias;   // [d, H]
    private readonly Parameter _output;      // [d, H]
    private readonly Parameter _normWeight;  // [d] θ, log w = 3 tanh(θ / 3)
    private readonly Parameter _linear;      // [d, d]: effect j, cause i (zero and frozen without the linear term)
    private readonly Tensor _mask;           // [d, 1, d]: 1 off the diagonal
    private readonly Tensor _offDiagonal;    // [d, d]

    public NonlinearMechanisms(int variables, int hidden, double contraction, bool linearTerm, ScalarType dtype, Device device)
        : base(nameof(NonlinearMechanisms))
    {
        Variables = variables;
        Hidden = hidden;
        Contraction = contraction;
        HasLinearTerm = linearTerm;
        // Inputs are standardised, so U(±1/√d) keeps pre-activations O(1) in tanh's responsive range;
        // small output weights start f near 0 (METHOD §5's warm start B = 0) without the dead gradient
        // that exactly zero output weights would give the first layer.
        double firstScale = 1.0 / Math.Sqrt(Math.Max(variables - 1, 1));
        _first = new Parameter((rand(new long[] { variables, hidden, variables }, dtype: dtype, device: device) * 2 - 1) * firstScale);
        _firstBias = new Parameter((rand(new long[] { variables, hidden }, dtype: dtype, device: device) * 2 - 1) * 0.5);
        _output = new Parameter((rand(new long[] { variables, hidden }, dtype: dtype, device: device) * 2 - 1) * (0.1 / Math.Sqrt(hidden)));
        _normWeight = new Parameter(zeros(variables, dtype: dtype, device: device));
        _linear = new Parameter(zeros(variables, variables, dtype: dtype, device: device), requires_grad: linearTerm);
        _offDiagonal = ones(variables, variables, dtype: dtype, device: device) - eye(variables, dtype: dtype, device: device);
        _mask = _offDiagonal.unsqueeze(1);
        RegisterComponents();
    }

    public int Variables { get; }

    public int Hidden { get; }

    /// <summary>κ, the contraction factor in the weighted max-norm.</summary>
    public double Contraction { get; }

    /// <summary>Whether the mechanisms have the linear term L (otherwise L stays 0).</summary>
    public bool HasLinearTerm { get; }

    public Parameter RawLinear => _linear;

    public Parameter RawFirst => _first;

    public Parameter FirstBias => _firstBias;

    public Parameter RawOutput => _output;

    public Parameter RawNormWeight => _normWeight;

    /// <summary>First-layer weights with the self-input groups zeroed, [d, H, d].</summary>
    public Tensor First() => _first * _mask;

    /// <summary>log w, [d].</summary>
    public Tensor LogNormWeights() => (_normWeight / LogWeightBound).tanh() * LogWeightBound;

    /// <summary>The linear term with its diagonal zeroed, before rescaling, [d (effect), d (cause)].</summary>
    public Tensor Linear() => _linear * _offDiagonal;

    /// <summary>C_ji = |L_ji| + Σ_h |v_jh||W_jhi| before rescaling, [d (effect), d (cause)].</summary>
    public Tensor RawBound() => (_output.abs().unsqueeze(-1) * First().abs()).sum(1) + Linear().abs();

    /// <summary>r_j = min(1, κ / R_j) with R_j = Σ_i C_ji w_i / w_j, [d].</summary>
    public Tensor ContractionScale()
    {
        Tensor logW = LogNormWeights();
        Tensor rowSums = (RawBound() * logW.unsqueeze(0).exp()).sum(-1) * (-logW).exp();
        return Contraction / rowSums.clamp_min(Contraction);
    }

    /// <summary>The rescaled weights every evaluation of f uses: r_j v_jh [d, H] and r_j L_ji [d, d] (null without the linear term).</summary>
    public ScaledWeights Scaled()
    {
        Tensor r = ContractionScale().unsqueeze(-1);
        return new ScaledWeights(_output * r, HasLinearTerm ? Linear() * r : null);
    }

    /// <summary>
    /// Σ_{i≠j} C_ji with |·| smoothed to √(x² + ε²) − ε (ε = <see cref="PenaltySmoothing"/>): the sparsity penalty. With the
    /// kink of |·|, Adam kept weights near zero flipping sign at every step, so two fits with the same seed differed by
    /// 4e-3 in single weights (float summation order alone decides the flips); smoothed, by 2e-6.
    /// </summary>
    public Tensor SparsityPenalty()
    {
        Tensor SmoothAbs(Tensor x) => (x.square() + PenaltySmoothing * PenaltySmoothing).sqrt() - PenaltySmoothing;
        Tensor bound = (SmoothAbs(_output).unsqueeze(-1) * SmoothAbs(First())).sum(1) + SmoothAbs(Linear());
        return (bound * _offDiagonal).sum();
    }

    /// <summary>ε of the smoothed absolute value in <see cref="SparsityPenalty"/>, in weight units.</summary>
    public const double PenaltySmoothing = 1e-3;

    /// <summary>r_j C_ji, the largest |∂f_j/∂x_i| the rescaled mechanism allows, [d (effect), d (cause)], zero diagonal.</summary>
    public Tensor EdgeBounds() => RawBound() * ContractionScale().unsqueeze(-1);

    /// <summary>f(x) for cells [..., d].</summary>
    public Tensor Forward(Tensor x) => Forward(x, Scaled());

    /// <summary>f(x) with precomputed rescaled weights (the fixed-point loop reuses them).</summary>
    public Tensor Forward(Tensor x, ScaledWeights weights)
    {
        return Combine(x, PreActivation(x).tanh(), weights);
    }

    /// <summary>f from the hidden activations tanh(a) [..., d, H]: the rescaled MLP output plus the linear term.</summary>
    private static Tensor Combine(Tensor x, Tensor hidden, ScaledWeights weights)
    {
        Tensor f = (hidden * weights.Output).sum(-1);
        return weights.Linear is null ? f : f + matmul(x, weights.Linear.t());
    }

    /// <summary>f(x) and its Jacobian J[n, j, i] = ∂f_j/∂x_i, analytically, for cells [n, d].</summary>
    public (Tensor F, Tensor Jacobian) ForwardWithJacobian(Tensor x)
    {
        ScaledWeights weights = Scaled();
        Tensor v = weights.Output;                                      // [d, H]
        Tensor hidden = PreActivation(x).tanh();                        // [n, d, H]
        Tensor f = Combine(x, hidden, weights);
        // ∂f_j/∂x_i = r_j L_ji + Σ_h v_jh (1 − tanh²(a_jh)) W_jhi: one batched product over the effects j.
        Tensor gate = (1 - hidden.square()) * v;                        // [n, d, H]
        Tensor jacobian = matmul(gate.transpose(0, 1), First()).transpose(0, 1); // [d, n, H]·[d, H, d] → [n, d, d]
        return (f, weights.Linear is null ? jacobian : jacobian + weights.Linear);
    }

    private Tensor PreActivation(Tensor x)
    {
        Tensor flat = First().reshape(Variables * Hidden, Variables);   // rows (j, h), columns i
        Tensor a = matmul(x, flat.t());                                 // [..., d·H]
        long[] shape = x.shape.Take((int)x.dim() - 1).Concat(new long[] { Variables, Hidden }).ToArray();
        return a.reshape(shape) + _firstBias;
    }
}

/// <summary>The contraction-rescaled weights of the mechanisms: r_j v_jh [d, H] and r_j L_ji [d, d] (null without a linear term).</summary>
internal sealed record ScaledWeights(Tensor Output, Tensor? Linear);
