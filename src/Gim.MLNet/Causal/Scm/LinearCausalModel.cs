using Gim.MLNet.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// The linear additive-noise SCM of METHOD.md §2, in standardised units:
/// x = Bᵀx + b + t⊙ψ + s⊙exp(t⊙ρ)⊙ε, ε ~ N(0, I), zero diagonal. With A = I − Bᵀ the equilibrium is
/// x = A⁻¹(b + t⊙ψ + s'⊙ε), so every quantity below is exact and in closed form.
/// </summary>
/// <remarks>
/// Interventions are passed as two tensors broadcastable against the leading dimensions:
/// <c>shift</c> = t⊙ψ and <c>logScaleChange</c> = t⊙ρ (zeros for a control or a plain Shift).
/// With a graph rank r &gt; 0 (<see cref="GimOptions.GraphRank"/>) training reads B = U Vᵀ with its diagonal set to zero
/// (U, V: [d, r]), so that A = I − Bᵀ is diagonal plus rank r and the pooled likelihood costs O(d² r) a step instead of
/// O(d³) (<see cref="WeightedLogLikelihoodFromMoments"/>); <see cref="Materialize"/> then writes B into the dense
/// weights, and the fitted model predicts, saves and exports as a dense one.
/// </remarks>
internal sealed class LinearCausalModel : CausalModel
{
    private readonly Parameter _weights;
    private readonly Parameter _bias;
    private readonly Parameter _logScale;
    private readonly Tensor _offDiagonal;
    private readonly Tensor _identity;
    private readonly Parameter? _causeFactor;
    private readonly Parameter? _effectFactor;
    private bool _factored;
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <param name="variables">d.</param>
    /// <param name="dtype">Float32 for training, Float64 for reference checks.</param>
    /// <param name="device">Where the tensors live; null for the CPU.</param>
    /// <param name="graphRank">0 for a dense B; r in 1..d−1 to train B = U Vᵀ (diagonal zeroed) through factors U, V [d, r].</param>
    public LinearCausalModel(int variables, ScalarType dtype = ScalarType.Float32, Device? device = null, int graphRank = 0)
        : base(nameof(LinearCausalModel), variables)
    {
        device ??= CPU;
        if (graphRank < 0 || (graphRank > 0 && graphRank >= variables))
            throw new ArgumentOutOfRangeException(nameof(graphRank), graphRank, $"A graph rank is 0 (dense) or between 1 and d − 1 = {variables - 1}.");
        // Warm start (METHOD §5): B = 0, b = 0, log s = 0 after control standardisation.
        _weights = new Parameter(zeros(variables, variables, dtype: dtype, device: device), requires_grad: graphRank == 0);
        _bias = new Parameter(zeros(variables, dtype: dtype, device: device));
        _logScale = new Parameter(zeros(variables, dtype: dtype, device: device));
        _identity = eye(variables, dtype: dtype, device: device);
        _offDiagonal = ones(variables, variables, dtype: dtype, device: device) - _identity;
        if (graphRank > 0)
        {
            // B = U Vᵀ starts at 0 (V = 0) as the dense B does; U is random, N(0, 1/r), so that V's first gradients,
            // Σ_i ∂L/∂B_ij U_i, are not zero (both factors at zero would be a stationary point).
            _causeFactor = new Parameter(randn(variables, graphRank, dtype: dtype, device: device) / Math.Sqrt(graphRank));
            _effectFactor = new Parameter(zeros(variables, graphRank, dtype: dtype, device: device));
            _factored = true;
        }
        RegisterComponents();
    }

    /// <summary>The rank r of the factors B is trained through while they are in use; 0 for a dense B or once materialised.</summary>
    public int GraphRank => _factored ? (int)_causeFactor!.shape[1] : 0;

    /// <summary>
    /// Writes B = U Vᵀ (diagonal zeroed) into the dense weights and stops reading the factors: from here the model is a
    /// dense linear SCM (its predictions, parameters and ONNX graph). Nothing happens for a dense model.
    /// </summary>
    public void Materialize()
    {
        if (!_factored) return;
        using var _ = no_grad();
        using Tensor graph = Tensors.Weights();
        _weights.copy_(graph);
        _factored = false;
    }

    /// <summary>The raw weight parameter (its diagonal is ignored).</summary>
    public Parameter RawWeights => _weights;

    /// <summary>Intercepts b.</summary>
    public Parameter Bias => _bias;

    /// <summary>Log noise scales log s.</summary>
    public Parameter LogScale => _logScale;

    /// <summary>This model's tensors, as the equations below read them (with the factors while B is trained through them).</summary>
    public LinearScmTensors Tensors => new(_weights, _bias, _logScale, _offDiagonal, _identity)
    {
        CauseFactor = _factored ? _causeFactor : null,
        EffectFactor = _factored ? _effectFactor : null,
    };

    /// <summary>B with its diagonal forced to zero; B[i, j] is the effect of cause i on effect j.</summary>
    public Tensor Weights() => Tensors.Weights();

    /// <summary>A = I − Bᵀ.</summary>
    public Tensor SystemMatrix() => Tensors.SystemMatrix();

    /// <summary>A = I − diag(g) Bᵀ for gains <paramref name="gain"/> [..., d] ([..., d, d]); I − Bᵀ for null.</summary>
    public Tensor SystemMatrix(Tensor? gain) => Tensors.SystemMatrix(null, gain);

    /// <summary>‖B‖₁ over the off-diagonal entries.</summary>
    public override Tensor SparsityPenalty() => Tensors.GraphL1();

    /// <inheritdoc />
    public override Tensor Adjacency() => Weights();

    /// <inheritdoc />
    public override bool HasMomentLikelihood => true;

    /// <summary>
    /// Mean log-likelihood per cell of groups of cells given only their mean and covariance
    /// (population, 1/n): exact for the Gaussian model, and independent of the number of cells.
    /// </summary>
    /// <param name="means">[K, d] group means.</param>
    /// <param name="covariances">[K, d, d] group covariances.</param>
    /// <param name="shift">[..., K, d] t⊙ψ.</param>
    /// <param name="logScaleChange">[..., K, d] t⊙ρ, or null for none.</param>
    /// <returns>[..., K] mean log-likelihood per cell.</returns>
    public override Tensor LogLikelihoodFromMoments(Tensor means, Tensor covariances, Tensor shift, Tensor? logScaleChange) =>
        LogLikelihoodFromMoments(Tensors, means, covariances, shift, logScaleChange);

    /// <summary>
    /// <see cref="LogLikelihoodFromMoments(Tensor, Tensor, Tensor, Tensor?)"/> for the tensors <paramref name="scm"/> of one
    /// model ([d, d] weights, <paramref name="shift"/> [M, K, d] → [M, K]) or of R stacked ones ([R, d, d] weights,
    /// <paramref name="shift"/> [M, R, K, d] → [M, R, K]). With <paramref name="gain"/> [K, d] (known Knockdown or Hard targets,
    /// <see cref="KnownTargetHead"/>; one model only) group k's interventions scale its targets' inputs, so its system matrix
    /// A_k = I − diag(g_k) Bᵀ, log-determinant and residual variance (A_k C_k A_kᵀ)_jj are its own (K·d³ a step).
    /// </summary>
    public static Tensor LogLikelihoodFromMoments(LinearScmTensors scm, Tensor means, Tensor covariances, Tensor shift, Tensor? logScaleChange,
        Tensor? gain = null)
    {
        Tensor a = scm.SystemMatrix(null, gain);                                   // [..., d, d], or [K, d, d] with gains
        int d = (int)means.shape[^1];
        Tensor logDet = gain is null ? LogDeterminant.LogAbs(a).unsqueeze(-1) : LogDeterminant.LogAbs(a);   // [..., 1], or [K]
        // E‖(A x − c)_j‖² over the group = (A C Aᵀ)_jj + ((A m)_j − c_j)².
        Tensor residualVariance = gain is null ? ResidualVariance(a, covariances) : (matmul(a, covariances) * a).sum(-1);   // [..., K, d]
        Tensor transformedMeans = gain is null ? matmul(means, a.transpose(-1, -2)) : matmul(a, means.unsqueeze(-1)).squeeze(-1);
        Tensor meanResidual = transformedMeans - scm.Bias.unsqueeze(-2) - shift;   // [M, ..., K, d]
        Tensor squared = residualVariance + meanResidual.square();
        Tensor logScale = logScaleChange is null ? scm.LogScale.unsqueeze(-2).expand_as(squared) : scm.LogScale.unsqueeze(-2) + logScaleChange;
        Tensor quadratic = (squared * (-2 * logScale).exp()).sum(-1);
        return logDet - logScale.sum(-1) - 0.5 * quadratic - d * HalfLogTwoPi;
    }

    /// <summary>
    /// Σ_k w_k ℓ_k, the weighted mean log-likelihood per cell of groups given their moments, for interventions that only
    /// shift (no change of noise scale) and weights <paramref name="weights"/> that sum to 1 (per replica). The scatter
    /// term of ℓ_k, −½ Σ_j s_j⁻² (A C_k Aᵀ)_jj, is linear in C_k, so the groups' covariances enter only through their
    /// weighted pool C̄ = Σ_k w_k C_k (<paramref name="pooledCovariance"/>, <see cref="PooledCovariance"/>): d³ work per
    /// step instead of K·d³, and the same number as the sum of <see cref="LogLikelihoodFromMoments(LinearScmTensors, Tensor, Tensor, Tensor, Tensor?, Tensor?)"/>.
    /// </summary>
    /// <param name="scm">One model's tensors, or R stacked ones (leading replica dimension).</param>
    /// <param name="means">[K, d] group means.</param>
    /// <param name="pooledCovariance">[d, d] (or [R, d, d]) Σ_k w_k C_k.</param>
    /// <param name="weights">[K] (or [R, K]) group weights, each replica's summing to 1.</param>
    /// <param name="shift">[M, K, d] (or [M, R, K, d]) t⊙ψ.</param>
    /// <returns>[M] (or [M, R]).</returns>
    /// <param name="graph">B = <see cref="LinearScmTensors.Weights"/>, when the caller has it already (its penalty reads it too).</param>
    public static Tensor WeightedLogLikelihoodFromMoments(LinearScmTensors scm, Tensor means, Tensor pooledCovariance, Tensor weights, Tensor shift,
        Tensor? graph = null)
    {
        // What A contributes — log|det A|, (A C̄ Aᵀ)_jj [..., d] and the rows A m_k [..., K, d] — from A, or from the factors.
        var (logDet, pooledResidual, transformedMeans) = scm.CauseFactor is null
            ? DenseSystemTerms(scm.SystemMatrix(graph), means, pooledCovariance)
            : LowRankSystemTerms(scm, means, pooledCovariance);
        int d = (int)means.shape[^1];
        Tensor meanResidual = transformedMeans - scm.Bias.unsqueeze(-2) - shift;                    // [M, ..., K, d]
        Tensor weightedSquares = (meanResidual.square() * weights.unsqueeze(-1)).sum(-2);           // [M, ..., d]
        Tensor quadratic = ((pooledResidual + weightedSquares) * (-2 * scm.LogScale).exp()).sum(-1);
        return logDet - scm.LogScale.sum(-1) - 0.5 * quadratic - d * HalfLogTwoPi;
    }

    /// <summary>
    /// Σ_k w_k ℓ_k for known Knockdown or Hard targets (<see cref="KnownTargetHead"/>), whose gains <paramref name="gain"/>
    /// and noise-scale changes <paramref name="logScaleChange"/> differ from 1 and 0 only on a few variables of each group,
    /// its targets T (read from them here: at most r per group). Then A_k = I − diag(g_k) Bᵀ = A + diag(δ_k) Bᵀ (A = I − Bᵀ,
    /// δ_k = 1 − g_k) differs from A in r rows, so
    /// <list type="bullet">
    /// <item>log|det A_k| = log|det A| + log|det(I_r + (Bᵀ)_{T,:} A⁻¹ E_T diag(δ_T))| (the matrix determinant lemma; E_T the
    /// columns of I at the targets T);</item>
    /// <item>the scatter Σ_k w_k Σ_j e_kj (A_k C_k A_kᵀ)_jj, with e_kj = exp(−2 log s_kj), is the pooled Σ_j e_j (A C̄ Aᵀ)_jj
    /// (C̄ = Σ_k w_k C_k) plus, on each group's targets only, e_kj (A_k C_k A_kᵀ)_jj − e_j (A C_k Aᵀ)_jj, where row j of A_k
    /// is a_j + δ_kj b_j (a_j, b_j the rows of A and Bᵀ);</item>
    /// <item>A_k m_k = A m_k + δ_k ⊙ Bᵀ m_k.</item>
    /// </list>
    /// O(d³ + K r d²) a step instead of the K·d³ of <see cref="LogLikelihoodFromMoments(LinearScmTensors, Tensor, Tensor, Tensor, Tensor?, Tensor?)"/>
    /// with gains, and the same number as its weighted sum (float64 test, values and gradients).
    /// </summary>
    /// <param name="scm">One model's tensors (known targets are never stacked).</param>
    /// <param name="means">[K, d] group means.</param>
    /// <param name="covariances">[K, d, d] group covariances.</param>
    /// <param name="weights">[K] group weights.</param>
    /// <param name="shift">[M, K, d] intercept changes δ (targets' and off-targets').</param>
    /// <param name="logScaleChange">[K, d] log noise-scale changes (zero off the targets).</param>
    /// <param name="gain">[K, d] gains on the mechanisms' inputs (1 off the targets).</param>
    /// <param name="graph">B = <see cref="LinearScmTensors.Weights"/>, when the caller has it already.</param>
    /// <returns>[M] the weighted mean log-likelihood per cell of each draw.</returns>
    public static Tensor WeightedLogLikelihoodWithTargets(LinearScmTensors scm, Tensor means, Tensor covariances, Tensor weights, Tensor shift,
        Tensor logScaleChange, Tensor gain, Tensor? graph = null)
    {
        // The rows where a group's system or noise differs: read from the numbers themselves, so the form is exact for any input.
        Tensor mask = ((gain != 1) | (logScaleChange != 0)).to_type(means.dtype);
        Tensor b = graph ?? scm.Weights();                                                    // [d, d]
        Tensor a = scm.SystemMatrix(b);                                                       // A = I − Bᵀ
        long k = means.shape[0], d = means.shape[^1];
        Tensor noise = (-2 * scm.LogScale).exp();                                             // e_j, [d]
        Tensor pooled = PooledCovariance(weights, covariances);                               // C̄
        Tensor scatter = ((matmul(a, pooled) * a).sum(-1) * noise).sum();                     // Σ_j e_j (A C̄ Aᵀ)_jj
        Tensor logDet = LogDeterminant.LogAbs(a).expand(k);                                   // [K]
        long r = mask.sum(-1).max().to_type(ScalarType.Int64).item<long>();
        if (r > 0)
        {
            // Each group's targets first, then positions off its targets (δ = 0, no noise change: they add nothing).
            Tensor targets = mask.topk((int)r, -1).indexes;                                  // [K, r]
            Tensor flat = targets.flatten();
            Tensor delta = (1 - gain).gather(-1, targets);                                    // δ_T, [K, r]
            Tensor aRows = a.index_select(0, flat).view(k, r, d);                             // a_j, [K, r, d]
            Tensor bRows = b.t().index_select(0, flat).view(k, r, d);                         // b_j (rows of Bᵀ)
            logDet = logDet + LemmaCorrection(InverseEntries(a, targets), targets, delta);
            Tensor rows = cat(new[] { aRows, aRows + delta.unsqueeze(-1) * bRows }, 1);       // a_j and a_j + δ_kj b_j, [K, 2r, d]
            Tensor forms = (matmul(rows, covariances) * rows).sum(-1);                        // their C_k quadratic forms, [K, 2r]
            Tensor before = noise.index_select(0, flat).view(k, r);                           // e_j at the targets
            Tensor after = before * (-2 * logScaleChange.gather(-1, targets)).exp();          // e_kj
            scatter = scatter + ((after * forms.narrow(1, r, r) - before * forms.narrow(1, 0, r)).sum(-1) * weights).sum();
            return WithMeanTerms(scm, matmul(means, a.t()), means, weights, shift, logScaleChange, (targets, delta, bRows), logDet, scatter);
        }
        return WithMeanTerms(scm, matmul(means, a.t()), means, weights, shift, logScaleChange, null, logDet, scatter);
    }

    /// <summary>
    /// <see cref="WeightedLogLikelihoodWithTargets"/> for known <b>Knockdown</b> targets from the pooled covariance and only
    /// the targets' rows of each group's covariance (<paramref name="rows"/>: K·r·d numbers instead of K·d²). A knocked-down
    /// target's row of A_k is h·(e_j/h − b_j) and its noise scale h·s_j, so e_kj = e_j/h² and in the target's correction
    /// e_kj (A_k C_k A_kᵀ)_jj − e_j (A C_k Aᵀ)_jj = e_j[(1/h² − 1) C_jj − 2 (1/h − 1) b_j·C_{j,:}] the quadratic form of b_j in
    /// C_k cancels: what is left reads row j of C_k. Written with the gains and noise changes as given,
    /// (e_kj − e_j) C_jj − 2 (e_kj g_kj − e_j) b_j·C_{j,:}, it is the full form less (e_kj g_kj² − e_j) b_jᵀ C_k b_j, zero for
    /// Knockdown (g = h = e^ρ) up to rounding; not for Hard (g = 0), which keeps the full form. The same number and
    /// gradients as <see cref="WeightedLogLikelihoodWithTargets"/> on the same groups when <paramref name="pooledCovariance"/>
    /// is their weighted pool (float64 test). For a factored graph (B = U Vᵀ, <see cref="GimOptions.GraphRank"/>) without
    /// <paramref name="graph"/>, every term is read from the factors in O(d² R + K r d R + K r² R): A = D − V Uᵀ's
    /// log-determinant, pooled residual and A m_k as <see cref="LowRankSystemTerms"/> has them, the targets' rows of
    /// Bᵀ = V Uᵀ − diag(U·V), and A⁻¹'s entries among the targets by Woodbury (<see cref="FactoredInverseEntries"/>): no
    /// d × d matrix is formed, unless some |1 + U_j·V_j| is below <see cref="FactoredEntriesFloor"/> (then B densely).
    /// </summary>
    /// <param name="scm">One model's tensors.</param>
    /// <param name="means">[K, d] group means.</param>
    /// <param name="pooledCovariance">[d, d] Σ_k w_k C_k.</param>
    /// <param name="weights">[K] group weights.</param>
    /// <param name="shift">[M, K, d] intercept changes δ.</param>
    /// <param name="logScaleChange">[K, d] log noise-scale changes (log h at the targets, zero elsewhere).</param>
    /// <param name="gain">[K, d] gains on the mechanisms' inputs (h at the targets, 1 elsewhere).</param>
    /// <param name="rows">Each group's declared targets and their covariance rows.</param>
    /// <param name="graph">B, when the caller has it already.</param>
    /// <returns>[M] the weighted mean log-likelihood per cell of each draw.</returns>
    internal static Tensor WeightedLogLikelihoodWithKnockdownRows(LinearScmTensors scm, Tensor means, Tensor pooledCovariance, Tensor weights, Tensor shift,
        Tensor logScaleChange, Tensor gain, CovarianceRows rows, Tensor? graph = null)
    {
        long k = means.shape[0], d = means.shape[^1], r = rows.Index.shape[1];
        Tensor noise = (-2 * scm.LogScale).exp();
        Tensor flat = rows.Index.flatten();
        Tensor delta = (1 - gain).gather(-1, rows.Index) * rows.Valid;                       // δ_T (0 where padded), [K, r]
        Tensor systemLogDet, pooledResidual, transformedMeans, bRows, entries;
        if (graph is null && scm.CauseFactor is { } u && scm.EffectFactor is { } v
            && (1 + (u * v).sum(-1)).abs().min().to_type(ScalarType.Float64).item<double>() >= FactoredEntriesFloor)
        {
            (systemLogDet, pooledResidual, transformedMeans) = LowRankSystemTerms(scm, means, pooledCovariance, aboveFloor: true);
            Tensor q = (u * v).sum(-1);                                                       // U_j·V_j: Bᵀ = V Uᵀ − diag(q)
            Tensor unit = nn.functional.one_hot(flat, d).to_type(means.dtype);                // e_j, [K r, d]
            bRows = (matmul(v.index_select(0, flat), u.t()) - q.index_select(0, flat).unsqueeze(-1) * unit).view(k, r, d);
            entries = FactoredInverseEntries(u, v, 1 + q, rows.Index);
        }
        else
        {
            Tensor b = graph ?? scm.Weights();
            Tensor a = scm.SystemMatrix(b);
            (systemLogDet, pooledResidual, transformedMeans) = (LogDeterminant.LogAbs(a), (matmul(a, pooledCovariance) * a).sum(-1), matmul(means, a.t()));
            bRows = b.t().index_select(0, flat).view(k, r, d);                                // b_j
            entries = InverseEntries(a, rows.Index);
        }
        Tensor scatter = (pooledResidual * noise).sum();
        Tensor logDet = systemLogDet.expand(k) + LemmaCorrection(entries, rows.Index, delta);
        Tensor own = rows.Values.gather(-1, rows.Index.unsqueeze(-1)).squeeze(-1);            // C_k[j, j], [K, r]
        Tensor cross = (bRows * rows.Values).sum(-1);                                         // b_j·C_k[j, :], [K, r]
        Tensor before = noise.index_select(0, flat).view(k, r);                               // e_j
        Tensor after = before * (-2 * logScaleChange.gather(-1, rows.Index)).exp();           // e_kj
        Tensor g = gain.gather(-1, rows.Index);
        Tensor correction = ((after - before) * own - 2 * (after * g - before) * cross) * rows.Valid;
        scatter = scatter + (correction.sum(-1) * weights).sum();
        return WithMeanTerms(scm, transformedMeans, means, weights, shift, logScaleChange, (rows.Index, delta, bRows), logDet, scatter);
    }

    /// <summary>
    /// log|det(I_r + (Bᵀ)_{T,:} A⁻¹ E_T diag(δ_T))| per group (the matrix determinant lemma's term) for each group's targets
    /// <paramref name="targets"/> [K, r], δ_T <paramref name="delta"/> [K, r] (0 where padded) and A⁻¹'s entries among them
    /// <paramref name="entries"/> [K, r, r]: with A = I − Bᵀ, (Bᵀ A⁻¹)_{T,T} = (A⁻¹)_{T,T} − [T_q = T_q'], so nothing else of A⁻¹ enters.
    /// </summary>
    private static Tensor LemmaCorrection(Tensor entries, Tensor targets, Tensor delta)
    {
        long r = targets.shape[1];
        Tensor same = targets.unsqueeze(-1).eq(targets.unsqueeze(-2)).to_type(entries.dtype);   // [T_q = T_q']
        Tensor core = eye(r, dtype: entries.dtype, device: entries.device) + (entries - same) * delta.unsqueeze(-2);
        return LogDeterminant.LogAbs(core);
    }

    /// <summary>
    /// (A⁻¹)[T_q, T_q'] per group, [K, r, r], for a dense A: the columns of the targets' union S from one solve,
    /// O(d³/3 + d²|S|) and its backward as much: less than an inverse's d³ while |S| is well below d (at |S| ≈ d/2, about 0.8 d³).
    /// </summary>
    private static Tensor InverseEntries(Tensor a, Tensor targets)
    {
        long k = targets.shape[0], r = targets.shape[1], d = a.shape[^1];
        Tensor flat = targets.flatten();
        var (union, position, _) = flat.unique(sorted: true, return_inverse: true);          // S, and each target's place in it
        Tensor columns = linalg.solve(a, eye(d, dtype: a.dtype, device: a.device).index_select(1, union));   // A⁻¹ E_S, [d, |S|]
        return columns.index_select(0, flat).view(k, r, -1).gather(-1, position!.view(k, 1, r).expand(k, r, r));
    }

    /// <summary>
    /// (A⁻¹)[T_q, T_q'] per group, [K, r, r], for a factored A = D − V Uᵀ (<paramref name="diagonal"/> D = 1 + U·V) by
    /// Woodbury: A⁻¹ = D⁻¹ + D⁻¹ V W Uᵀ D⁻¹ with W = (I_R − Uᵀ D⁻¹ V)⁻¹, so an entry is [T_q = T_q']/D_{T_q} +
    /// (V_{T_q}/D_{T_q}) W (U_{T_q'}/D_{T_q'})ᵀ: O(d R² + K r² R), no d × d matrix.
    /// </summary>
    private static Tensor FactoredInverseEntries(Tensor u, Tensor v, Tensor diagonal, Tensor targets)
    {
        long k = targets.shape[0], r = targets.shape[1], rank = u.shape[^1];
        Tensor flat = targets.flatten();
        Tensor w = linalg.inv(eye(rank, dtype: u.dtype, device: u.device) - matmul(u.t(), v / diagonal.unsqueeze(-1)));   // [R, R]
        Tensor atTargets = diagonal.index_select(0, flat).unsqueeze(-1);                      // D_T, [K r, 1]
        Tensor left = (v.index_select(0, flat) / atTargets).view(k, r, rank);                 // V_T / D_T
        Tensor right = (u.index_select(0, flat) / atTargets).view(k, r, rank);                // U_T / D_T
        Tensor same = targets.unsqueeze(-1).eq(targets.unsqueeze(-2)).to_type(u.dtype);
        return same / atTargets.view(k, r, 1) + matmul(matmul(left, w), right.transpose(-1, -2));
    }

    /// <summary>
    /// Σ_k w_k ℓ_k from each group's log|det A_k| and the weighted scatter: the means' terms A_k m_k = A m_k + δ_k ⊙ Bᵀ m_k
    /// (<paramref name="transformedMeans"/>: A m_k, [K, d]) and the noise scales. δ_k is zero off the targets, so Bᵀ m_k is
    /// read only there, from the targets' rows of Bᵀ (<paramref name="targets"/>: indices [K, r], δ_T [K, r] zero where
    /// padded, rows [K, r, d]; null: no group has a target).
    /// </summary>
    private static Tensor WithMeanTerms(LinearScmTensors scm, Tensor transformedMeans, Tensor means, Tensor weights, Tensor shift, Tensor logScaleChange,
        (Tensor Index, Tensor Delta, Tensor BRows)? targets, Tensor logDet, Tensor scatter)
    {
        long d = means.shape[^1];
        if (targets is var (index, delta, bRows))
            transformedMeans = transformedMeans + zeros_like(means).scatter_add(-1, index, delta * (bRows * means.unsqueeze(-2)).sum(-1));   // + δ_k ⊙ Bᵀ m_k
        Tensor meanResidual = transformedMeans - scm.Bias - shift;                            // [M, K, d]
        Tensor logScale = scm.LogScale + logScaleChange;                                      // [K, d]
        Tensor meanTerm = (meanResidual.square() * (-2 * logScale).exp()).sum(-1);            // [M, K]
        Tensor perGroup = logDet - logScale.sum(-1) - 0.5 * meanTerm - d * HalfLogTwoPi;     // [M, K], without the scatter
        return (perGroup * weights).sum(-1) - 0.5 * scatter;
    }

    /// <summary>
    /// From this many variables, training and validation read known Knockdown or Hard targets through
    /// <see cref="WeightedLogLikelihoodWithTargets"/>; below, the per-context dense form is faster (its K·d³ is small and
    /// it has fewer operations). Measured with knockdown fits of 200 steps on Perturb-seq screens of 40 targeted genes
    /// (2026-12-07, 2-core VM): dense against lemma 0.20–0.35 s against 0.27–0.32 s at d = 20, level at d = 24 and 32,
    /// 0.66–0.92 s against 0.41–0.46 s at d = 40, 2.6–2.8 s against 0.45–0.48 s at d = 80, 13.2–13.6 s against 1.3–1.5 s at d = 160.
    /// </summary>
    public const int TargetLemmaFrom = 32;

    /// <summary>log|det A|, (A C̄ Aᵀ)_jj and the rows A m_k for a dense A: O(d³ + K d²).</summary>
    private static (Tensor LogDet, Tensor PooledResidual, Tensor TransformedMeans) DenseSystemTerms(Tensor a, Tensor means, Tensor pooledCovariance) =>
        (LogDeterminant.LogAbs(a), (matmul(a, pooledCovariance) * a).sum(-1), matmul(means, a.transpose(-1, -2)));

    /// <summary>
    /// The terms of <see cref="DenseSystemTerms"/> for B = U Vᵀ with a zero diagonal, in O(d² r + K d r): with q_j = U_j·V_j,
    /// A = I − Bᵀ = D − V Uᵀ for D = diag(1 + q). Then log|det A| = Σ_j log|1 + q_j| + log|det(I_r − Uᵀ D⁻¹ V)| (the matrix
    /// determinant lemma), (A C̄ Aᵀ)_jj = D_j² C̄_jj − 2 D_j (C̄ U)_j·V_j + V_j (Uᵀ C̄ U) V_jᵀ, and A m = D m − V (Uᵀ m). The
    /// same numbers as the dense form for the same B (float64 test).
    /// </summary>
    /// <param name="scm">One model's tensors (or R stacked), with factors.</param>
    /// <param name="means">[..., K, d] group means.</param>
    /// <param name="pooledCovariance">[..., d, d] C̄.</param>
    /// <param name="aboveFloor">The caller has checked every |1 + U_j·V_j| against a floor at least <see cref="LemmaFloor"/> (no second host sync).</param>
    private static (Tensor LogDet, Tensor PooledResidual, Tensor TransformedMeans) LowRankSystemTerms(LinearScmTensors scm, Tensor means, Tensor pooledCovariance,
        bool aboveFloor = false)
    {
        Tensor u = scm.CauseFactor!, v = scm.EffectFactor!;                                   // [..., d, r]
        long r = u.shape[^1];
        Tensor diagonal = 1 + (u * v).sum(-1);                                                 // D, [..., d]
        Tensor logDet;
        // The lemma divides by D, which nothing keeps away from 0 (q_j is not penalised); A itself may be far from
        // singular there. Near it, the two terms would cancel in float32: the step reads A dense instead (O(d³), rare).
        if (!aboveFloor && diagonal.abs().min().to_type(ScalarType.Float64).item<double>() < LemmaFloor) logDet = LogDeterminant.LogAbs(scm.SystemMatrix());
        else
        {
            Tensor core = eye(r, dtype: u.dtype, device: u.device) - matmul(u.transpose(-1, -2), v / diagonal.unsqueeze(-1));   // I − Uᵀ D⁻¹ V
            logDet = diagonal.abs().log().sum(-1) + LogDeterminant.LogAbs(core);
        }
        Tensor covarianceU = matmul(pooledCovariance, u);                                      // C̄ U, [..., d, r]
        Tensor projected = matmul(u.transpose(-1, -2), covarianceU);                           // Uᵀ C̄ U, [..., r, r]
        Tensor pooledResidual = diagonal.square() * pooledCovariance.diagonal(0, -2, -1)
            - 2 * diagonal * (covarianceU * v).sum(-1) + (matmul(v, projected) * v).sum(-1);   // (A C̄ Aᵀ)_jj
        Tensor transformed = means * diagonal.unsqueeze(-2) - matmul(matmul(means, u), v.transpose(-1, -2));   // rows A m_k, [..., K, d]
        return (logDet, pooledResidual, transformed);
    }

    /// <summary>Below this |1 + U_j·V_j| the factored likelihood takes log|det A| from A itself rather than by the lemma.</summary>
    internal const double LemmaFloor = 1e-3;

    /// <summary>
    /// Below this |1 + U_j·V_j| (any j) known knockdowns' rows read B densely instead of the factors: A⁻¹'s entries by
    /// Woodbury cancel two terms of size 1/D_t, so their float32 error grows like eps/D_t² (about 5e-3 at D = 1e-2, 0.1–1 at
    /// the log-determinant's 1e-3), where the log-determinant's grows only like eps/D.
    /// </summary>
    internal const double FactoredEntriesFloor = 3e-2;

    /// <summary>C̄ = Σ_k w_k C_k for weights [K] (or [R, K]) and covariances [K, d, d]: [d, d] (or [R, d, d]).</summary>
    public static Tensor PooledCovariance(Tensor weights, Tensor covariances)
    {
        long d = covariances.shape[^1];
        Tensor pooled = matmul(weights, covariances.reshape(covariances.shape[0], d * d));
        return pooled.reshape(pooled.shape[..^1].Concat(new[] { d, d }).ToArray());
    }

    /// <summary>(A C_k Aᵀ)_jj for every group k: [K, d] (or [R, K, d] for stacked A).</summary>
    private static Tensor ResidualVariance(Tensor a, Tensor covariances)
    {
        // For small d one GEMM beats K tiny batched ones: (A C Aᵀ)_jj = Σ_ab A_ja A_jb C_ab, i.e. the
        // flattened covariances times the row-wise outer products of A ([d, d²], d³ numbers: small d only).
        long d = a.shape[^1];
        if (d <= OuterProductLimit)
        {
            Tensor outer = (a.unsqueeze(-1) * a.unsqueeze(-2)).flatten(-2);   // [..., d, d²]
            return matmul(covariances.reshape(-1, d * d), outer.transpose(-1, -2));
        }
        return a.dim() == 2 ? (matmul(a, covariances) * a).sum(-1) : (matmul(a.unsqueeze(-3), covariances) * a.unsqueeze(-3)).sum(-1);
    }

    private const int OuterProductLimit = 64;

    /// <summary>Log-likelihood of each cell.</summary>
    /// <param name="x">[..., n, d] cells.</param>
    /// <param name="shift">t⊙ψ, broadcastable to x.</param>
    /// <param name="logScaleChange">t⊙ρ broadcastable to x, or null.</param>
    /// <returns>[..., n] log-likelihoods.</returns>
    public override Tensor LogLikelihood(Tensor x, Tensor shift, Tensor? logScaleChange) => LogLikelihood(x, shift, logScaleChange, null);

    /// <summary>Log-likelihood of each cell ([..., n, d]) of one group whose interventions have gains <paramref name="gain"/> ([d]; null: none).</summary>
    public Tensor LogLikelihood(Tensor x, Tensor shift, Tensor? logScaleChange, Tensor? gain)
    {
        Tensor a = SystemMatrix(gain);
        Tensor logDet = LogDeterminant.LogAbs(a);
        Tensor residual = matmul(x, a.t()) - _bias - shift;
        Tensor logScale = logScaleChange is null ? _logScale.expand_as(residual) : _logScale + logScaleChange;
        Tensor quadratic = (residual * (-logScale).exp()).square().sum(-1);
        return logDet - logScale.sum(-1) - 0.5 * quadratic - Variables * HalfLogTwoPi;
    }

    /// <summary>E[x] = A⁻¹(b + t⊙ψ) for each row of <paramref name="shift"/> ([..., d]).</summary>
    public override Tensor Mean(Tensor shift, Tensor? logScaleChange) => Mean(shift);

    /// <summary>E[x] = A⁻¹(b + t⊙ψ); the noise scale does not move the mean of a linear model.</summary>
    public Tensor Mean(Tensor shift) => Mean(shift, null, null);

    /// <summary>E[x] = A⁻¹(b + δ) under interventions with gains <paramref name="gain"/> ([..., d], each row its own A; null: none).</summary>
    public Tensor Mean(Tensor shift, Tensor? logScaleChange, Tensor? gain)
    {
        Tensor rhs = (_bias + shift);
        return linalg.solve(SystemMatrix(gain), rhs.unsqueeze(-1)).squeeze(-1);
    }

    /// <summary>Cov[x] = A⁻¹ S'² A⁻ᵀ with s' = s⊙exp(t⊙ρ); <paramref name="logScaleChange"/> is [..., d] or null.</summary>
    public Tensor Covariance(Tensor? logScaleChange, Tensor? shiftVariance = null, Tensor? gain = null)
    {
        Tensor inverse = linalg.inv(SystemMatrix(gain));
        Tensor scale = logScaleChange is null ? _logScale.exp() : (_logScale + logScaleChange).exp();
        // An uncertain shift ψ ~ N(m, diag(v)) adds v to the exogenous variance: A⁻¹ diag(s'² + v) A⁻ᵀ.
        if (shiftVariance is not null) scale = (scale.square() + shiftVariance).sqrt();
        Tensor scaled = inverse * scale.unsqueeze(-2);   // A⁻¹ S'
        return matmul(scaled, scaled.transpose(-1, -2));
    }

    /// <summary>Exact samples x = A⁻¹(b + t⊙ψ + s'⊙z) for standard-normal <paramref name="z"/> ([..., d]).</summary>
    public override Tensor Sample(Tensor shift, Tensor? logScaleChange, Tensor z) => Sample(shift, logScaleChange, z, null);

    /// <summary>Exact samples under interventions with one gain vector <paramref name="gain"/> ([d]; null: none) for all rows.</summary>
    public Tensor Sample(Tensor shift, Tensor? logScaleChange, Tensor z, Tensor? gain)
    {
        Tensor scale = logScaleChange is null ? _logScale.exp() : (_logScale + logScaleChange).exp();
        Tensor rhs = _bias + shift + scale * z;
        return SolveRows(rhs, gain);
    }

    /// <summary>
    /// Counterfactuals (METHOD §6): abduct u₀ = A x₀ − b from control cells x₀, then return
    /// A⁻¹(b + t⊙ψ + exp(t⊙ρ)⊙u₀) — "these control cells under the intervention".
    /// </summary>
    public override Tensor Counterfactual(Tensor controlCells, Tensor shift, Tensor? logScaleChange) => Counterfactual(controlCells, shift, logScaleChange, null);

    /// <summary>
    /// Counterfactuals under interventions with one gain vector <paramref name="gain"/> ([d]; null: none): the noise is
    /// abducted under the unperturbed system A, the cells replayed under A_g = I − diag(g) Bᵀ.
    /// </summary>
    public Tensor Counterfactual(Tensor controlCells, Tensor shift, Tensor? logScaleChange, Tensor? gain)
    {
        Tensor a = SystemMatrix();
        Tensor noise = matmul(controlCells, a.t()) - _bias;
        if (logScaleChange is not null) noise = noise * logScaleChange.exp();
        return SolveRows(_bias + shift + noise, gain);
    }

    private Tensor SolveRows(Tensor rhs, Tensor? gain = null)
    {
        // Solve A x = r for every row r: x = r A⁻ᵀ, via one LU solve on the transposed system.
        Tensor flat = rhs.reshape(-1, Variables);
        Tensor solved = linalg.solve(SystemMatrix(gain), flat.t()).t();
        return solved.reshape(rhs.shape);
    }
}

/// <summary>
/// The tensors of a linear SCM as its equations read them: those of one model (weights [d, d], bias and log scales [d]),
/// or of R models trained as one, each stacked along a leading replica dimension ([R, d, d], [R, d]).
/// </summary>
/// <param name="RawWeights">B before its diagonal is masked.</param>
/// <param name="Bias">Intercepts b.</param>
/// <param name="LogScale">Log noise scales log s.</param>
/// <param name="OffDiagonal">[d, d] ones off the diagonal.</param>
/// <param name="Identity">[d, d] identity.</param>
internal sealed record LinearScmTensors(Tensor RawWeights, Tensor Bias, Tensor LogScale, Tensor OffDiagonal, Tensor Identity)
{
    /// <summary>U [..., d, r] while B is trained as U Vᵀ (<see cref="GimOptions.GraphRank"/>); null for a dense B.</summary>
    public Tensor? CauseFactor { get; init; }

    /// <summary>V [..., d, r] while B is trained as U Vᵀ; null for a dense B.</summary>
    public Tensor? EffectFactor { get; init; }

    /// <summary>B with its diagonal forced to zero: U Vᵀ while factored, else the dense weights.</summary>
    public Tensor Weights() => CauseFactor is null ? RawWeights * OffDiagonal : matmul(CauseFactor, EffectFactor!.transpose(-1, -2)) * OffDiagonal;

    /// <summary>
    /// ‖B‖₁ over the off-diagonal entries: a number, or [R] stacked. For factors, see <see cref="FactoredL1"/>.
    /// </summary>
    /// <param name="graph">B = <see cref="Weights"/> of a dense model, when the caller has it already (its likelihood reads it too).</param>
    public Tensor GraphL1(Tensor? graph = null) => CauseFactor is null
        ? (graph ?? Weights()).abs().sum(new long[] { -2, -1 })
        : FactoredL1(CauseFactor, EffectFactor!, Math.Max(1, BlockEntries / CauseFactor.shape[^2]));

    /// <summary>Rows of B = U Vᵀ per block of <see cref="FactoredL1"/>: about 4 MB of float32 a block.</summary>
    private const long BlockEntries = 1 << 20;

    /// <summary>
    /// ‖B‖₁ = Σ_{i≠j} |U_i·V_j| with its exact gradient, ∂/∂U = S V and ∂/∂V = Sᵀ U for S = sign(B) (zero diagonal), computed
    /// a block of rows of B at a time without autograd: the same O(d² r) products as differentiating |U Vᵀ| through
    /// autograd, but no d × d tensor is kept, and each block is used while it is in cache. Returned as
    /// value + ⟨U, ∂U⟩ + ⟨V, ∂V⟩ − (the same, detached), whose value is ‖B‖₁ and whose gradient is the exact one.
    /// </summary>
    /// <param name="u">U, [..., d, r].</param>
    /// <param name="v">V, [..., d, r].</param>
    /// <param name="block">Rows of B per block (tests use small blocks to cover the block boundaries).</param>
    internal static Tensor FactoredL1(Tensor u, Tensor v, long block)
    {
        long d = u.shape[^2];
        Tensor value, gradientU, gradientV;
        using (no_grad())
        {
            gradientU = zeros_like(u);
            gradientV = zeros_like(v);
            value = zeros(u.shape[..^2], dtype: u.dtype, device: u.device);
            Tensor vt = v.transpose(-1, -2);
            for (long start = 0; start < d; start += block)
            {
                long rows = Math.Min(block, d - start);
                using var scope = NewDisposeScope();
                Tensor causes = u.narrow(-2, start, rows);                        // [..., b, r]
                Tensor product = matmul(causes, vt);                              // rows start..start+b of B, [..., b, d]
                product.diagonal(start, -2, -1).zero_();                         // B_ii = 0
                Tensor sign = product.sign();
                value.add_(product.abs().sum(new long[] { -2, -1 }));
                gradientU.narrow(-2, start, rows).copy_(matmul(sign, v));
                gradientV.add_(matmul(sign.transpose(-1, -2), causes));
            }
        }
        Tensor surrogate = (u * gradientU).sum(new long[] { -2, -1 }) + (v * gradientV).sum(new long[] { -2, -1 });
        return value + surrogate - surrogate.detach();
    }

    /// <summary>A = I − Bᵀ (for B = <paramref name="graph"/> when given, else <see cref="Weights"/>).</summary>
    public Tensor SystemMatrix(Tensor? graph = null) => Identity - (graph ?? Weights()).transpose(-1, -2);

    /// <summary>A = I − diag(g) Bᵀ for gains <paramref name="gain"/> [..., d]: row j of Bᵀ (mechanism j's inputs) scaled by g_j; [..., d, d].</summary>
    public Tensor SystemMatrix(Tensor? graph, Tensor? gain) =>
        gain is null ? SystemMatrix(graph) : Identity - (graph ?? Weights()).transpose(-1, -2) * gain.unsqueeze(-1);
}
