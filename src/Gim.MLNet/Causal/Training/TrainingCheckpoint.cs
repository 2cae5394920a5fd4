using Gim.MLNet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// Saves and restores everything a training run needs to continue exactly where it was: parameters,
/// Adam's moments, the random generator, the step, the early-stopping state and the history. A run
/// resumed from a checkpoint ends with the same parameters as one never interrupted.
/// </summary>
/// <remarks>
/// The file is written to a temporary file and renamed, so a process killed while writing leaves the
/// previous checkpoint intact. A fingerprint of the data and options guards against resuming a
/// different run.
/// </remarks>
internal static class TrainingCheckpoint
{
    private const string Magic = "GIM-CHECKPOINT";
    // 2: the objective gained the controls' "no target" term and nonlinear mechanisms a linear term, so a
    // version-1 checkpoint belongs to a different model; say so rather than "different data or options".
    // 3 (0.12.2): the nonlinear model's power-series probes have a generator of their own, whose state follows the
    // relaxation noise's; a version-2 checkpoint (no such state) still resumes, its probes restarting from the seed.
    // 4 (0.13.0): the free phase's per-context interventions (GimOptions.FreePhase) follow the probes' state; a version-2
    // or -3 checkpoint has none (its run had no free phase: the fingerprint of one with a free phase differs).
    private const int FormatVersion = 4;

    /// <summary>Writes a checkpoint (atomically) of the run's state, modules, optimiser, generators and free phase (null: none).</summary>
    public static void Save(string path, string fingerprint, TrainingLoopState state, CausalModel causal,
        InterventionEncoder encoder, optim.Optimizer optimizer, torch.Generator generator, FreePhase? free) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(fingerprint);
            state.Write(writer);
            causal.save(writer);
            encoder.save(writer);
            ((OptimizerHelper)optimizer).save_state_dict(writer);
            using (Tensor generatorState = generator.get_state())
                WriteBytes(writer, generatorState);
            writer.Write(causal is NonlinearCausalModel);
            if (causal is NonlinearCausalModel nonlinear)
                using (Tensor probeState = nonlinear.ProbeGenerator.get_state())
                    WriteBytes(writer, probeState);
            writer.Write(free is not null);
            if (free is not null)
            {
                WriteFloats(writer, free.Logits);
                WriteFloats(writer, free.Shift);
            }
            writer.Write(state.BestState is not null);
            if (state.BestState is not null)
            {
                writer.Write(state.BestState.Count);
                foreach (var (name, tensor) in state.BestState)
                {
                    writer.Write(name);
                    WriteFloats(writer, tensor);
                }
            }
        });

    /// <summary>Restores a checkpoint into the given objects (and the free phase's interventions, when the run has one); returns the loop state.</summary>
    public static TrainingLoopState Load(string path, string fingerprint, CausalModel causal, InterventionEncoder encoder,
        optim.Optimizer optimizer, torch.Generator generator, FreePhase? free)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var reader = new BinaryReader(stream);
            if (reader.ReadString() != Magic)
                throw new InvalidDataException($"'{path}' is not a GIM training checkpoint.");
            int version = reader.ReadInt32();
            if (version is < 2 or > FormatVersion)
                throw new InvalidDataException($"Checkpoint '{path}' has format version {version}; this version of Gim.MLNet reads versions 2 to {FormatVersion}.");
            string stored = reader.ReadString();
            if (stored != fingerprint)
                throw new InvalidOperationException(
                    $"Checkpoint '{path}' was written by a run with different data or options, so it cannot be resumed. " +
                    (version < 4
                        ? $"It was written by a version before 0.13.0 (checkpoint format {version}), whose training defaults were TargetSparsity = 3 and no " +
                          "free phase: if the run used those defaults, set GimOptions.TargetSparsity = 3 and FreePhase = 0 to resume it " +
                          "(docs/architecture.md, \"Upgrading from 0.12.2\"). Otherwise delete it to start afresh, or point GimOptions.CheckpointPath elsewhere."
                        : "Delete it to start afresh, or point GimOptions.CheckpointPath elsewhere."));
            TrainingLoopState state = TrainingLoopState.Read(reader);
            causal.load(reader);
            encoder.load(reader);
            ((OptimizerHelper)optimizer).load_state_dict(reader);
            using (Tensor generatorState = ReadBytes(reader))
                generator.set_state(generatorState);
            if (version >= 3 && reader.ReadBoolean())
            {
                using Tensor probeState = ReadBytes(reader);
                if (causal is not NonlinearCausalModel nonlinear)
                    throw new InvalidDataException("it holds a nonlinear model's probe state, but this run trains another model");
                nonlinear.ProbeGenerator.set_state(probeState);
            }
            bool hasFree = version >= 4 && reader.ReadBoolean();
            if (hasFree != (free is not null))
                throw new InvalidDataException(hasFree ? "it holds a free phase's interventions, but this run has none" : "it holds no free phase's interventions, but this run has one");
            if (free is not null)
            {
                using var _ = no_grad();
                foreach (Parameter target in free.Parameters)
                {
                    using Tensor saved = ReadFloats(reader);
                    if (!saved.shape.SequenceEqual(target.shape))
                        throw new InvalidDataException($"its free-phase tensor has shape [{string.Join(", ", saved.shape)}], this run's [{string.Join(", ", target.shape)}]");
                    target.copy_(saved);
                }
            }
            if (reader.ReadBoolean())
            {
                int count = reader.ReadInt32();
                var best = new Dictionary<string, Tensor>(count);
                for (int i = 0; i < count; i++)
                {
                    string name = reader.ReadString();
                    best[name] = ReadFloats(reader).DetachFromDisposeScope();
                }
                state.BestState = best;
            }
            return state;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is truncated; delete it to start afresh.", e);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Checkpoint '{path}' is damaged ({e.Message}); delete it to start afresh.", e);
        }
        catch (Exception e) when (e is ArgumentException or System.Runtime.InteropServices.ExternalException or FormatException)
        {
            // TorchSharp's own loaders report damaged module or optimiser state this way.
            throw new InvalidDataException($"Checkpoint '{path}' is damaged ({e.Message.Split('\n')[0]}); delete it to start afresh.", e);
        }
    }

    private static void WriteBytes(BinaryWriter writer, Tensor t)
    {
        byte[] bytes = t.cpu().contiguous().data<byte>().ToArray();
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static Tensor ReadBytes(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new InvalidDataException($"a stored byte block claims {length} bytes, more than the file holds");
        return tensor(reader.ReadBytes(length), dtype: ScalarType.Byte);
    }

    private static void WriteFloats(BinaryWriter writer, Tensor t)
    {
        writer.Write((int)t.dim());
        foreach (long size in t.shape) writer.Write(size);
        float[] values = t.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        foreach (float v in values) writer.Write(v);
    }

    private static Tensor ReadFloats(BinaryReader reader)
    {
        int rank = reader.ReadInt32();
        if (rank is < 0 or > 8) throw new InvalidDataException($"a stored tensor has rank {rank}");
        var shape = new long[rank];
        for (int i = 0; i < rank; i++) shape[i] = reader.ReadInt64();
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        long count = 1;
        foreach (long size in shape)
        {
            // Checked against what is left in the file, so a damaged size fails here, not inside libtorch.
            if (size < 0 || (size > 0 && count > remaining / sizeof(float) / size))
                throw new InvalidDataException($"a stored tensor claims shape [{string.Join(", ", shape)}], more than the file holds");
            count *= size;
        }
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = reader.ReadSingle();
        return tensor(values, shape);
    }
}
