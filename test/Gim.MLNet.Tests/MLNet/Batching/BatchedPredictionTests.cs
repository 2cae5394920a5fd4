using Gim.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace Gim.MLNet.Tests.MLNet.Batching;

/// <summary>
/// Batched prediction (one ONNX Runtime call per block of rows) against ML.NET's row-by-row ONNX step: same values,
/// block boundaries, pass-through columns, loaded pipelines, and the errors when the input cannot be replayed.
/// </summary>
public class BatchedPredictionTests
{
    private static readonly string[] DeterministicColumns = { "PredictedMean", "TargetProbabilities", "Shift" };
    private MLContext _mlContext = null!;
    private GimTransformer _gim = null!;
    private string _path = null!;
    private IDataView _training = null!;

    /// <summary>Eleven query rows over every reagent and several doses, with a text column to pass through.</summary>
    private static List<GimTestData.FeatureCell> Queries() =>
        Enumerable.Range(0, 11).Select(i => new GimTestData.FeatureCell
        {
            Features = TinyLinearScm.Features(TinyLinearScm.Reagents[i % TinyLinearScm.Reagents.Length], i % 4 * 0.75f),
            Measurements = new float[TinyLinearScm.Variables],
            Context = $"query-{i}",
        }).ToList();

    [OneTimeSetUp]
    public void Fit()
    {
        _mlContext = new MLContext(seed: 1);
        _training = _mlContext.Data.LoadFromEnumerable(GimTestData.FeatureCells(60));
        _gim = _mlContext.Perturbation().Trainers.Gim(GimTestData.Options(steps: 200)).Fit(_training);
        _path = Path.Combine(Path.GetTempPath(), $"gim-batched-{Guid.NewGuid():N}.zip");
        _mlContext.Model.SaveAtomically(_gim, _training.Schema, _path);
    }

    [OneTimeTearDown]
    public void Release()
    {
        _gim.Dispose();
        File.Delete(_path);
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(11)]
    [TestCase(64)]
    public void AnyBlockSize_PredictsWhatTheRowByRowStepPredicts(int rowsPerBatch)
    {
        ITransformer rowByRow = PlainMlNet.Load(_mlContext, _path, out _);
        using BatchedOnnxTransformer batched = BatchedOnnxTransformer.TryCreate(PlainMlNet.Load(_mlContext, _path, out _), _gim.GetOnnxModel(), rowsPerBatch)!;
        Assert.That(batched.RowsPerBatch, Is.EqualTo(rowsPerBatch));
        IDataView queries = _mlContext.Data.LoadFromEnumerable(Queries());
        IDataView expected = rowByRow.Transform(queries), actual = batched.Transform(queries);
        Assert.That(actual.Schema.Select(c => (c.Name, c.Type.ToString())), Is.EqualTo(expected.Schema.Select(c => (c.Name, c.Type.ToString()))));
        foreach (string column in DeterministicColumns)
        {
            float[][] a = GimTestData.Column(actual, column);
            Assert.That(a, Has.Length.EqualTo(11), column);
            ParityAssert.Close(ParityAssert.Rows(a), ParityAssert.Rows(GimTestData.Column(expected, column)), column);
        }
        Assert.That(GimTestData.Column(actual, "Sample"), Has.Length.EqualTo(11).And.All.Length.EqualTo(TinyLinearScm.Variables));
        (rowByRow as IDisposable)?.Dispose();
    }

    [Test]
    public void PassThroughColumns_StayAlignedWithTheirPredictions()
    {
        using BatchedOnnxTransformer batched = BatchedOnnxTransformer.TryCreate(PlainMlNet.Load(_mlContext, _path, out _), _gim.GetOnnxModel(), rowsPerBatch: 4)!;
        List<GimTestData.FeatureCell> queries = Queries();
        IDataView predicted = batched.Transform(_mlContext.Data.LoadFromEnumerable(queries));

        using DataViewRowCursor cursor = predicted.GetRowCursor(new[] { predicted.Schema["Context"], predicted.Schema["PredictedMean"] });
        ValueGetter<ReadOnlyMemory<char>> context = cursor.GetGetter<ReadOnlyMemory<char>>(predicted.Schema["Context"]);
        ValueGetter<VBuffer<float>> mean = cursor.GetGetter<VBuffer<float>>(predicted.Schema["PredictedMean"]);
        ValueGetter<DataViewRowId> id = cursor.GetIdGetter();
        ReadOnlyMemory<char> name = default;
        VBuffer<float> values = default;
        DataViewRowId rowId = default;
        int row = 0;
        while (cursor.MoveNext())
        {
            Assert.That(cursor.Position, Is.EqualTo(row));
            context(ref name);
            mean(ref values);
            id(ref rowId);
            Assert.That(name.ToString(), Is.EqualTo($"query-{row}"));
            Assert.That(rowId, Is.EqualTo(new DataViewRowId((ulong)row, 0)));
            float[] expected = _gim.Model.PredictMean(queries[row].Features);
            ParityAssert.Close(ParityAssert.Rows(new[] { values.DenseValues().ToArray() }), ParityAssert.Rows(new[] { expected }), $"row {row}");
            row++;
        }
        Assert.That(row, Is.EqualTo(queries.Count));
        Assert.That(cursor.IsColumnActive(predicted.Schema["Sample"]), Is.False);
        Assert.That(() => cursor.GetGetter<VBuffer<float>>(predicted.Schema["Sample"]), Throws.InvalidOperationException.With.Message.Contains("'Sample'"));
    }

    [Test]
    public void PredictionColumns_NameTheirSlotsAfterTheVariables()
    {
        // The measurements column has no slot names here, so the model names its variables x0…x4.
        Assert.That(_gim.VariableNames, Is.EqualTo(new[] { "x0", "x1", "x2", "x3", "x4" }));
        IDataView queries = _mlContext.Data.LoadFromEnumerable(Queries());
        foreach (DataViewSchema schema in new[] { _gim.Transform(queries).Schema, _gim.GetOutputSchema(queries.Schema) })
        {
            foreach (string column in DeterministicColumns.Append("Sample"))
            {
                VBuffer<ReadOnlyMemory<char>> names = default;
                schema[column].GetSlotNames(ref names);
                Assert.That(names.DenseValues().Select(n => n.ToString()), Is.EqualTo(_gim.VariableNames), column);
            }
            Assert.That(schema["Features"].HasSlotNames(), Is.False, "input columns keep their own annotations");
        }
    }

    [Test]
    public void OnlyPassThroughColumns_OrOnlyPredictions_CanBeRead()
    {
        IDataView predicted = _gim.Transform(_mlContext.Data.LoadFromEnumerable(Queries()));
        Assert.That(predicted.GetColumn<string>("Context").ToArray(), Is.EqualTo(Enumerable.Range(0, 11).Select(i => $"query-{i}")));
        Assert.That(GimTestData.Column(predicted, "Shift"), Has.Length.EqualTo(11));
        Assert.That(predicted.GetRowCount(), Is.EqualTo(11));
        using DataViewRowCursor cursor = predicted.GetRowCursor(new[] { predicted.Schema["Sample"] });
        Assert.That(() => cursor.GetGetter<VBuffer<double>>(predicted.Schema["Sample"]), Throws.InvalidOperationException.With.Message.Contains("'Sample'").And.Message.Contains("VBuffer<float>"));
        Assert.That(() => cursor.GetGetter<VBuffer<float>>(predicted.Schema["Context"]), Throws.InvalidOperationException.With.Message.Contains("'Context'"));
        ValueGetter<VBuffer<float>> sample = cursor.GetGetter<VBuffer<float>>(predicted.Schema["Sample"]);
        VBuffer<float> value = default;
        Assert.That(() => sample(ref value), Throws.InvalidOperationException.With.Message.Contains("MoveNext"), "no row before MoveNext");
    }

    private sealed class WideFeatures
    {
        [VectorType(GimTestData.FeatureCount + 1)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    [Test]
    public void ALoadedModel_RejectsFeaturesOfAnotherSize_NamingTheColumn()
    {
        using var loaded = (BatchedOnnxTransformer)new MLContext().Model.LoadModel(_path, out _);
        IDataView wide = _mlContext.Data.LoadFromEnumerable(new[] { new WideFeatures { Features = new float[GimTestData.FeatureCount + 1] } });
        string expected = $"Column 'Features': expected a vector of {GimTestData.FeatureCount} Single (float) values, as in training; found Vector<Single, {GimTestData.FeatureCount + 1}>.";
        Assert.That(() => loaded.Transform(wide), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains(expected));
        Assert.That(() => loaded.GetOutputSchema(wide.Schema), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains(expected));
    }

    [Test]
    public void EmptyInput_GivesNoRows()
    {
        IDataView predicted = _gim.Transform(_mlContext.Data.LoadFromEnumerable(new List<GimTestData.FeatureCell>()));
        Assert.That(GimTestData.Column(predicted, "Sample"), Is.Empty);
        Assert.That(predicted.GetColumn<string>("Context").ToArray(), Is.Empty);
    }

    [Test]
    public void LoadModel_BatchesTheGimStep_AndSavesBackToAPlainMLNetFile()
    {
        var serving = new MLContext();
        using var loaded = (BatchedOnnxTransformer)serving.Model.LoadModel(_path, out DataViewSchema schema);
        Assert.That(loaded.RowByRowTransformer, Is.InstanceOf<OnnxTransformer>());
        IDataView queries = serving.Data.LoadFromEnumerable(Queries());
        foreach (string column in DeterministicColumns)
            Assert.That(GimTestData.Column(loaded.Transform(queries), column), Is.EqualTo(GimTestData.Column(_gim.Transform(queries), column)), column);

        string again = Path.Combine(Path.GetTempPath(), $"gim-batched-again-{Guid.NewGuid():N}.zip");
        try
        {
            serving.Model.SaveAtomically(loaded, schema, again);
            ITransformer plain = PlainMlNet.Load(new MLContext(), again, out _);
            Assert.That(plain, Is.InstanceOf<OnnxTransformer>(), "the re-saved file is an ordinary ML.NET model");
            ParityAssert.Close(ParityAssert.Rows(GimTestData.Column(plain.Transform(queries), "PredictedMean")),
                ParityAssert.Rows(GimTestData.Column(_gim.Transform(queries), "PredictedMean")), "re-saved PredictedMean");
            (plain as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(again);
        }
    }

    [Test]
    public void LoadModel_LeavesGraphsFromOtherProducersAsLoaded()
    {
        // The same graph under another producer name: ML.NET's step, not ours, must come back.
        var foreign = global::Onnx.ModelProto.Parser.ParseFrom(_gim.GetOnnxModel());
        foreign.ProducerName = "someone-else";
        byte[] bytes = Google.Protobuf.MessageExtensions.ToByteArray(foreign);
        var mlContext = new MLContext(seed: 1);
        var pipeline = mlContext.Transforms.NormalizeMinMax("Scaled", "Features")
            .Append(mlContext.Transforms.ApplyOnnxModel(new[] { "Sample", "PredictedMean", "TargetProbabilities", "Shift" }, new[] { "Features" }, new MemoryStream(bytes),
                new[] { "Sample", "PredictedMean", "TargetProbabilities", "Shift" }.ToDictionary(n => n, _ => new[] { TinyLinearScm.Variables }), gpuDeviceId: null, fallbackToCpu: false));
        string path = Path.Combine(Path.GetTempPath(), $"gim-batched-foreign-{Guid.NewGuid():N}.zip");
        try
        {
            // ML.NET names the stream's temporary file at random: the rare ".ort" name is retried (OrtFormatMisdetection).
            mlContext.Model.SaveAtomically(OrtFormatMisdetection.RetryOnce(() => pipeline.Fit(_training)), _training.Schema, path);
            using var loaded = (TransformerChain<ITransformer>)mlContext.Model.LoadModel(path, out _);
            Assert.That(loaded.LastTransformer, Is.InstanceOf<OnnxTransformer>());
            Assert.That(loaded.OfType<BatchedOnnxTransformer>(), Is.Empty);
            Assert.That(GimTestData.Column(loaded.Transform(_mlContext.Data.LoadFromEnumerable(Queries())), "PredictedMean"), Has.Length.EqualTo(11));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void LoadModel_KeepsEveryStepsScope()
    {
        var mlContext = new MLContext(seed: 1);
        ITransformer normalizer = mlContext.Transforms.NormalizeMinMax("Scaled", "Features").Fit(_training);
        var chain = new TransformerChain<ITransformer>(new ITransformer[] { normalizer, _gim }, new[] { TransformerScope.Training, TransformerScope.Everything });
        string path = Path.Combine(Path.GetTempPath(), $"gim-batched-scopes-{Guid.NewGuid():N}.zip");
        try
        {
            mlContext.Model.SaveAtomically(chain, _training.Schema, path);
            var plain = (TransformerChain<ITransformer>)PlainMlNet.Load(mlContext, path, out _);
            using var loaded = (TransformerChain<ITransformer>)mlContext.Model.LoadModel(path, out _);
            Assert.That(loaded.LastTransformer, Is.InstanceOf<BatchedOnnxTransformer>());
            foreach (TransformerScope scope in new[] { TransformerScope.Training, TransformerScope.Testing, TransformerScope.Scoring })
                Assert.That(loaded.GetModelFor(scope).Count(), Is.EqualTo(plain.GetModelFor(scope).Count()), scope.ToString());
            Assert.That(loaded.GetModelFor(TransformerScope.Scoring).Count(), Is.EqualTo(1), "the training-only normalizer is not scored");
            plain.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AnInputThatGivesTheModelFewerRows_IsReported()
    {
        // Each enumeration yields one row fewer than the one before; the pass-through cursor is opened first.
        IDataView predicted = _gim.Transform(_mlContext.Data.LoadFromEnumerable(new ChangingRows(Queries(), -1)));
        Assert.That(() => ReadAll(predicted), Throws.InvalidOperationException
            .With.Message.Contains("fewer rows to the cursor that feeds the model").And.Message.Contains("mlContext.Data.Cache"));
    }

    [Test]
    public void AnInputThatGivesTheModelMoreRows_IsReported()
    {
        IDataView predicted = _gim.Transform(_mlContext.Data.LoadFromEnumerable(new ChangingRows(Queries(), +1)));
        Assert.That(() => ReadAll(predicted), Throws.InvalidOperationException
            .With.Message.Contains("more rows to the cursor that feeds the model").And.Message.Contains("mlContext.Data.Cache"));
    }

    [Test]
    public void ACursorThatFailed_RefusesToGoOn()
    {
        IDataView predicted = _gim.Transform(_mlContext.Data.LoadFromEnumerable(new ChangingRows(Queries(), -1)));
        using DataViewRowCursor cursor = predicted.GetRowCursor(predicted.Schema);
        Assert.That(() => { while (cursor.MoveNext()) { } }, Throws.InvalidOperationException);
        Assert.That(() => cursor.MoveNext(), Throws.InvalidOperationException.With.Message.Contains("failed on an earlier row"));
    }

    [Test]
    public void DisposingTheTransformer_UnderAnOpenCursor_ThrowsAtTheNextBlock()
    {
        BatchedOnnxTransformer batched = BatchedOnnxTransformer.TryCreate(PlainMlNet.Load(_mlContext, _path, out _), _gim.GetOnnxModel(), rowsPerBatch: 2)!;
        IDataView predicted = batched.Transform(_mlContext.Data.LoadFromEnumerable(Queries()));
        using DataViewRowCursor cursor = predicted.GetRowCursor(new[] { predicted.Schema["PredictedMean"] });
        Assert.That(cursor.MoveNext(), Is.True);
        batched.Dispose();
        Assert.That(cursor.MoveNext(), Is.True, "the block already computed is still served");
        Assert.That(() => cursor.MoveNext(), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => predicted.GetRowCursor(predicted.Schema), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void CursorBookkeeping_FollowsMLNetConventions()
    {
        IDataView predicted = _gim.Transform(_mlContext.Data.LoadFromEnumerable(Queries()));
        DataViewRowCursor[] set = predicted.GetRowCursorSet(new[] { predicted.Schema["Sample"] }, 4);
        Assert.That(set, Has.Length.EqualTo(1));
        using DataViewRowCursor cursor = set[0];
        Assert.That(cursor.Position, Is.EqualTo(-1));
        int rows = 0;
        while (cursor.MoveNext())
        {
            Assert.That(cursor.Position, Is.EqualTo(rows++));
            Assert.That(cursor.Batch, Is.EqualTo(0));
        }
        Assert.That(rows, Is.EqualTo(11));
        Assert.That(cursor.Position, Is.EqualTo(-1), "after the end");
        Assert.That(cursor.MoveNext(), Is.False);
        Assert.That(predicted.CanShuffle, Is.False);
    }

    private static void ReadAll(IDataView data)
    {
        using DataViewRowCursor cursor = data.GetRowCursor(data.Schema);
        while (cursor.MoveNext()) { }
    }

    /// <summary>Each enumeration yields <paramref name="step"/> more rows than the one before (IDataView asks for the same rows every time).</summary>
    private sealed class ChangingRows(List<GimTestData.FeatureCell> rows, int step) : IEnumerable<GimTestData.FeatureCell>
    {
        private int _enumerations;

        public IEnumerator<GimTestData.FeatureCell> GetEnumerator()
        {
            int count = rows.Count - 3 + step * _enumerations++;
            return rows.Take(Math.Clamp(count, 0, rows.Count)).GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
