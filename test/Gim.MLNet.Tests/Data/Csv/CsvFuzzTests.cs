using System.Text;
using CsCheck;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Csv;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Data.Csv;

/// <summary>
/// Damaged and random CSV: reading it and grouping the rows into contexts either works (and gives a table
/// whose shapes agree) or throws a <see cref="DataFileException"/> naming the source; never another exception,
/// a hang or a crash. Checking the grouped data for training may add an <see cref="ArgumentException"/>
/// naming the context (too few cells).
/// </summary>
public class CsvFuzzTests
{
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    private const string Valid =
        "cell,condition,dose,knockout,A,B,C\n" +
        "c1,ctrl,0,0,1.5,2,-1\n" +
        "c2,\"drug, high\",10,1,-0.25,3e2,0\n" +
        "c3,ctrl,0,0,1.75,2.5,1e-3\n" +
        "c4,\"drug, high\",10,1,0,1,7\n" +
        "c5,drugB,2.5,0,4,4,4\n" +
        "c6,drugB,2.5,0,4.5,3,2\n";

    private static CsvColumnRoles Roles() =>
        new("condition", "ctrl") { FeatureColumns = new[] { "dose", "knockout" }, IgnoredColumns = new[] { "cell" } };

    // Characters that matter to CSV and number parsing, plus a few that should not.
    private static readonly Gen<char> Interesting = Gen.OneOf(',', '"', '\n', '\r', ' ', '.', '-', '+', 'e', 'E', '0', '5', 'N', 'a', 'I', 'n', 'f', '\0', '\t', ';', 'ü', '\uFEFF');

    [Test]
    public void EditedText_FailsCleanly()
    {
        // 1–6 edits, each an insertion, deletion or replacement at a random position.
        Gen<(int Kind, int At, char Char)> edit = Gen.Select(Gen.Int[0, 2], Gen.Int[0, Valid.Length - 1], Interesting);
        edit.Array[1, 6].Sample(edits =>
        {
            var text = new StringBuilder(Valid);
            foreach (var (kind, at, c) in edits)
            {
                int i = Math.Min(at, text.Length - 1);
                if (i < 0) { text.Append(c); continue; }
                if (kind == 0) text.Insert(i, c);
                else if (kind == 1) text.Remove(i, 1);
                else text[i] = c;
            }
            ReadsOrFailsCleanly(Encoding.UTF8.GetBytes(text.ToString()), "edited.csv");
        }, iter: 2000);
    }

    [Test]
    public void TruncatedText_FailsCleanly()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Valid);
        Gen.Int[0, bytes.Length - 1].Sample(n => ReadsOrFailsCleanly(bytes[..n], "truncated.csv"), iter: 500);
    }

    [Test]
    public void RandomBytes_FailCleanly()
    {
        byte[] header = Encoding.UTF8.GetBytes("cell,condition,dose,knockout,A,B,C\n");
        ByteMutations.Noise(header, maxLength: 512).Sample(t => ReadsOrFailsCleanly(t.Bytes, "noise.csv"), iter: 1500);
    }

    [Test]
    public void RandomTables_FailCleanly()
    {
        // Well-formed CSV built from interesting cells: ragged rows, empty and non-numeric values, odd headers.
        Gen<string> cell = Gen.OneOf<string>(Gen.OneOf("", "ctrl", "drug", "1", "-2.5", "1e40", "NaN", "inf", "\"x,y\"", "0x10", "1,5"), Gen.Float.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        Gen<string> header = Gen.OneOf("cell,condition,dose,knockout,A", "cell,condition,dose,knockout,A,A", "condition,dose,knockout", "cell,condition,dose,,A", "cell,condition,dose,knockout,A,B");
        Gen.Select(header, cell.Array[0, 8].Array[0, 6]).Sample(t =>
        {
            string text = t.Item1 + "\n" + string.Join("\n", t.Item2.Select(r => string.Join(",", r)));
            ReadsOrFailsCleanly(Encoding.UTF8.GetBytes(text), "random.csv");
        }, iter: 2000);
    }

    private static void ReadsOrFailsCleanly(byte[] bytes, string name) => ByteMutations.WithinTime(name, PerCase, () =>
    {
        PerturbationDataset data;
        try
        {
            CsvPerturbationTable table = CsvPerturbationReader.Read(new MemoryStream(bytes, writable: false), name, Roles());
            Assert.That(table.Features.GetLength(0), Is.EqualTo(table.RowCount), name);
            Assert.That(table.Measurements.GetLength(0), Is.EqualTo(table.RowCount), name);
            Assert.That(table.Measurements.GetLength(1), Is.EqualTo(table.VariableNames.Count), name);
            Assert.That(table.Measurements.Cast<float>(), Has.All.Matches<float>(float.IsFinite), name);
            table.ToDataView();
            data = table.ToPerturbationDataset();
        }
        catch (DataFileException ex)
        {
            Assert.That(ex.Message, Does.StartWith(name), "the message names the source");
            return;
        }
        try
        {
            data.Validate();
        }
        catch (ArgumentException ex)
        {
            // The loader already refused non-finite values, duplicate columns and missing controls: what is left is per context.
            Assert.That(ex.Message, Does.StartWith("Context '"), ex.Message);
        }
    });
}
