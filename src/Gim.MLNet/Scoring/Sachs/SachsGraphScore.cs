using Gim.MLNet.Data.Sachs;

namespace Gim.MLNet.Scoring;

/// <summary>
/// BENCHMARK task (c): a learned weighted graph (cause × effect) scored against the 17-edge consensus graph
/// (<see cref="SachsDataset.ConsensusGraph"/>, a literature consensus rather than a certainty). The diagonal is ignored.
/// </summary>
/// <param name="Auroc">AUROC of |B| over the 110 ordered off-diagonal pairs against the consensus edges.</param>
/// <param name="Auprc">AUPRC of the same (a random ranking scores about 17/110 = 0.15).</param>
/// <param name="SkeletonAuroc">AUROC of max(|B_ij|, |B_ji|) against the undirected consensus skeleton: direction ignored.</param>
/// <param name="Threshold">The threshold on |B| that defines the predicted edges for <paramref name="Shd"/>.</param>
/// <param name="PredictedEdges">Edges with |B| above <paramref name="Threshold"/>.</param>
/// <param name="Shd">Structural Hamming distance at <paramref name="Threshold"/> (the empty graph scores 17).</param>
/// <param name="ShdTopK">SHD of the graph made of the 17 largest |B| entries: threshold-free, as many edges as the consensus.</param>
public sealed record SachsGraphScore(double Auroc, double Auprc, double SkeletonAuroc, double Threshold, int PredictedEdges, int Shd, int ShdTopK);
