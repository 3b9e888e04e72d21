using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MoralGraph.Core.Export;

/// <summary>
/// Writes an alignment spec as JSON with <see cref="Utf8JsonWriter"/>, in chunks the caller sends on (synchronously or
/// not), while a second, compact writer feeds SHA-256 the content hash's bytes: the same document without
/// <c>generatedAt</c> and <c>contentHash</c>, which <see cref="AlignmentSpecJson.ComputeHash(System.Text.Json.Nodes.JsonObject)"/>
/// recomputes from a parsed file. Items of the long arrays are formatted once, compact, into a small buffer and copied
/// into both: on their own line in the file, bare in the hash. Field names and order are the v1 schema's.
/// </summary>
internal sealed class AlignmentSpecWriter : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    // The encoder is the one the spec was always written with; the hash check re-escapes strings with it too.
    private static readonly JsonWriterOptions IndentedOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
        NewLine = "\n",
    };

    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _outputBuffer = new(2 * ChunkSize);
    private readonly Utf8JsonWriter? _output;
    private readonly ArrayBufferWriter<byte> _hashedBuffer = new(2 * ChunkSize);
    private readonly Utf8JsonWriter _hashed;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte> _itemBuffer = new(4096);
    private readonly Utf8JsonWriter _item;

    /// <param name="withOutput">False to compute the content hash alone (nothing is yielded but empty chunks).</param>
    public AlignmentSpecWriter(bool withOutput)
    {
        _output = withOutput ? new Utf8JsonWriter(_outputBuffer, IndentedOptions) : null;
        _hashed = new Utf8JsonWriter(_hashedBuffer, CompactOptions);
        _item = new Utf8JsonWriter(_itemBuffer, CompactOptions);
    }

    /// <summary>The content hash, once <see cref="Write"/> has been enumerated to its end.</summary>
    public string? ContentHash { get; private set; }

    /// <summary>
    /// The spec's JSON in chunks; each chunk is valid only until the next is asked for. <paramref name="spec"/>'s own
    /// <c>contentHash</c> is ignored: the one computed while writing is written last.
    /// </summary>
    public IEnumerable<ReadOnlyMemory<byte>> Write(AlignmentSpec spec)
    {
        StartObject();
        String("schemaVersion", spec.SchemaVersion);
        if (spec.GeneratedAt is { } generatedAt)
        {
            // Not part of the content: two exports of the same data hash alike whenever they were made.
            _output?.WriteString("generatedAt", generatedAt);
        }

        // Part of the content (unlike generatedAt), so the hash rule stays the one documented since 1.0: a release's
        // contentHash covers which release it says it is.
        OptionalString("releaseId", spec.ReleaseId);
        OptionalString("previousReleaseId", spec.PreviousReleaseId);

        PropertyName("study");
        StartObject();
        String("slug", spec.Study.Slug);
        String("title", spec.Study.Title);
        String("description", spec.Study.Description);
        Strings("languages", spec.Study.Languages);
        String("phase", spec.Study.Phase);
        EndObject();

        PropertyName("questions");
        StartArray();
        foreach (var question in spec.Questions)
        {
            StartObject();
            String("id", question.Id);
            String("title", question.Title);
            String("prompt", question.Prompt);
            PropertyName("contexts");
            StartArray();
            foreach (var context in question.Contexts)
            {
                StartObject();
                String("id", context.Id);
                String("text", context.Text);
                EndObject();
            }

            EndArray();
            EndObject();
        }

        EndArray();
        Strings("precedence", spec.Precedence);

        PropertyName("layers");
        StartObject();
        PropertyName("redLines");
        StartArray();
        foreach (var redLine in spec.Layers.RedLines)
        {
            StartObject();
            String("id", redLine.Id);
            String("statement", redLine.Statement);
            String("source", redLine.Source);
            EndObject();
        }

        EndArray();
        PropertyName("communityValues");
        StartArray();
        foreach (var community in spec.Layers.CommunityValues)
        {
            StartObject();
            OptionalString("questionId", community.QuestionId);
            OptionalString("contextId", community.ContextId);
            OptionalString("contextText", community.ContextText);
            Strings("winningValueIds", community.WinningValueIds);
            EndObject();
        }

        EndArray();
        PropertyName("individualLatitude");
        StartArray();
        foreach (var latitude in spec.Layers.IndividualLatitude)
        {
            StartObject();
            OptionalString("questionId", latitude.QuestionId);
            OptionalString("contextId", latitude.ContextId);
            OptionalString("contextText", latitude.ContextText);
            PropertyName("values");
            StartArray();
            foreach (var value in latitude.Values)
            {
                Item(value, WriteLatitudeValue);
                if (TakeChunk() is { } chunk)
                {
                    yield return chunk;
                    _outputBuffer.ResetWrittenCount();
                }
            }

            EndArray();
            EndObject();
        }

        EndArray();
        EndObject();

        PropertyName("values");
        StartArray();
        foreach (var value in spec.Values)
        {
            Item(value, WriteValue);
            if (TakeChunk() is { } chunk)
            {
                yield return chunk;
                _outputBuffer.ResetWrittenCount();
            }
        }

        EndArray();

        PropertyName("graphs");
        StartArray();
        foreach (var graph in spec.Graphs)
        {
            StartObject();
            OptionalString("questionId", graph.QuestionId);
            OptionalString("contextId", graph.ContextId);
            OptionalString("contextText", graph.ContextText);
            Number("participantCount", graph.ParticipantCount);
            Number("iterations", graph.Iterations);
            PropertyName("ranking");
            StartArray();
            foreach (var ranked in graph.Ranking)
            {
                Item(ranked, WriteRanking);
                if (TakeChunk() is { } chunk)
                {
                    yield return chunk;
                    _outputBuffer.ResetWrittenCount();
                }
            }

            EndArray();
            PropertyName("edges");
            StartArray();
            foreach (var edge in graph.Edges)
            {
                Item(edge, WriteEdge);
                if (TakeChunk() is { } chunk)
                {
                    yield return chunk;
                    _outputBuffer.ResetWrittenCount();
                }
            }

            EndArray();
            if (graph.BaselineScore is { } baseline)
            {
                PropertyName("baselineScore");
                _output?.WriteNumberValue(baseline);
                _hashed.WriteNumberValue(baseline);
            }

            EndObject();
        }

        EndArray();

        PropertyName("contestedEdges");
        StartArray();
        foreach (var contested in spec.ContestedEdges)
        {
            Item(contested, WriteContestedEdge);
            if (TakeChunk() is { } chunk)
            {
                yield return chunk;
                _outputBuffer.ResetWrittenCount();
            }
        }

        EndArray();

        PropertyName("algorithm");
        StartObject();
        String("profile", spec.Algorithm.Profile);
        PropertyName("parameters");
        StartObject();
        foreach (var (name, value) in spec.Algorithm.Parameters)
        {
            String(name, value);
        }

        EndObject();
        String("codeVersion", spec.Algorithm.CodeVersion);
        String("fingerprint", spec.Algorithm.Fingerprint);
        EndObject();

        if (spec.Legitimacy is { } legitimacy)
        {
            // Since 1.3.0: counts and shares only, on one compact line like the long arrays' items.
            PropertyName("legitimacy");
            _itemBuffer.ResetWrittenCount();
            _item.Reset(_itemBuffer);
            Legitimacy.LegitimacyDocument.Write(_item, legitimacy);
            _item.Flush();
            _output?.WriteRawValue(_itemBuffer.WrittenSpan, skipInputValidation: true);
            _hashed.WriteRawValue(_itemBuffer.WrittenSpan, skipInputValidation: true);
        }

        // Since 1.3.0, optional: opinion groups and bridging scores (counts only; who is in which group stays out).
        if (spec.Bridging is { } bridging)
        {
            PropertyName("bridging");
            StartObject();
            String("method", bridging.Method);
            Number("seed", bridging.Seed);
            Number("k", bridging.K);
            PropertyName("parameters");
            StartObject();
            foreach (var (name, value) in bridging.Parameters)
            {
                String(name, value);
            }

            EndObject();
            PropertyName("groups");
            StartArray();
            foreach (var group in bridging.Groups)
            {
                StartObject();
                Number("group", group.Group);
                Number("size", group.Size);
                EndObject();
            }

            EndArray();
            Number("unassigned", bridging.Unassigned);
            if (bridging.Silhouette is { } silhouette)
            {
                PropertyName("silhouette");
                _output?.WriteNumberValue(silhouette);
                _hashed.WriteNumberValue(silhouette);
            }

            OptionalString("reason", bridging.Reason);
            PropertyName("contexts");
            StartArray();
            foreach (var context in bridging.Contexts)
            {
                Item(context, WriteBridgingContext);
                if (TakeChunk() is { } chunk)
                {
                    yield return chunk;
                    _outputBuffer.ResetWrittenCount();
                }
            }

            EndArray();
            EndObject();

            static void WriteBridgingContext(Utf8JsonWriter json, SpecBridgingContext context)
            {
                json.WriteStartObject();
                if (context.QuestionId is { } question)
                {
                    json.WriteString(Names.QuestionId, question);
                }

                if (context.ContextId is { } contextId)
                {
                    json.WriteString(Names.ContextId, contextId);
                }

                json.WriteStartArray("groupVoters");
                foreach (var voters in context.GroupVoters)
                {
                    json.WriteNumberValue(voters);
                }

                json.WriteEndArray();
                if (context.TopBridgingValueId is { } top)
                {
                    json.WriteString("topBridgingValueId", top);
                }

                json.WriteStartArray("values");
                foreach (var value in context.Values)
                {
                    json.WriteStartObject();
                    json.WriteString(Names.ValueId, value.ValueId);
                    json.WriteBoolean("winning", value.Winning);
                    OptionalNumber(json, JsonEncodedText.Encode("bridgingScore"), value.BridgingScore);
                    json.WriteStartArray("groups");
                    foreach (var support in value.Groups)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("group", support.Group);
                        json.WriteNumber("endorsing", support.Endorsing);
                        json.WriteNumber("votes", support.Votes);
                        OptionalNumber(json, JsonEncodedText.Encode("support"), support.Support);
                        json.WriteNumber("supportLow", support.SupportLow);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }
        }

        PropertyName("counts");
        StartObject();
        Number("participants", spec.Counts.Participants);
        Number("values", spec.Counts.Values);
        Number("cards", spec.Counts.Cards);
        Number("votes", spec.Counts.Votes);
        Number("edges", spec.Counts.Edges);
        Number("graphs", spec.Counts.Graphs);
        EndObject();

        _hashed.WriteEndObject();
        _hashed.Flush();
        _sha256.AppendData(_hashedBuffer.WrittenSpan);
        ContentHash = AlignmentSpecJson.HashPrefix + Convert.ToHexStringLower(_sha256.GetHashAndReset());
        if (_output is not null)
        {
            _output.WriteString("contentHash", ContentHash);
            _output.WriteEndObject();
            _output.Flush();
            yield return _outputBuffer.WrittenMemory;
        }
    }

    public void Dispose()
    {
        _output?.Dispose();
        _hashed.Dispose();
        _item.Dispose();
        _sha256.Dispose();
    }

    private static void WriteValue(Utf8JsonWriter json, SpecValue value)
    {
        json.WriteStartObject();
        json.WriteString(Names.Id, value.Id);
        json.WriteString(Names.Title, value.Title);
        json.WriteString(Names.Description, value.Description);
        Strings(json, Names.Policies, value.Policies);
        json.WriteStartArray(Names.Members);
        foreach (var member in value.Members)
        {
            json.WriteStartObject();
            json.WriteString(Names.CardId, member.CardId);
            json.WriteString(Names.ParticipantId, member.ParticipantId);
            OptionalString(json, Names.Language, member.Language);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber(Names.ParticipantCount, value.ParticipantCount);

        // Since 1.4.0: absent only when a spec read from an older file is written again.
        OptionalString(json, Names.Language, value.Language);
        if (value.Translations is { Count: > 0 } translations)
        {
            json.WriteStartArray(Names.Translations);
            foreach (var translation in translations)
            {
                json.WriteStartObject();
                json.WriteString(Names.Language, translation.Language);
                json.WriteString(Names.Title, translation.Title);
                json.WriteString(Names.Description, translation.Description);
                Strings(json, Names.Policies, translation.Policies);
                json.WriteStartObject(Names.Provenance);
                json.WriteString(Names.Model, translation.Provenance.Model);
                json.WriteString(Names.PromptId, translation.Provenance.PromptId);
                json.WriteString(Names.PromptHash, translation.Provenance.PromptHash);
                OptionalNumber(json, Names.Temperature, translation.Provenance.Temperature);
                json.WriteString(Names.At, translation.Provenance.At);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteRanking(Utf8JsonWriter json, SpecRanking ranked)
    {
        json.WriteStartObject();
        json.WriteString(Names.ValueId, ranked.ValueId);
        json.WriteNumber(Names.Rank, ranked.Rank);
        json.WriteNumber(Names.Score, ranked.Score);
        OptionalNumber(json, Names.WinShare, ranked.WinShare);
        OptionalNumber(json, Names.ScoreLow, ranked.ScoreLow);
        OptionalNumber(json, Names.ScoreHigh, ranked.ScoreHigh);
        json.WriteEndObject();
    }

    private static void WriteEdge(Utf8JsonWriter json, SpecEdge edge)
    {
        json.WriteStartObject();
        json.WriteString(Names.SourceValueId, edge.SourceValueId);
        json.WriteString(Names.WiserValueId, edge.WiserValueId);
        Strings(json, Names.Contexts, edge.Contexts);
        if (edge.ContextRefs is { } references)
        {
            json.WriteStartArray(Names.ContextRefs);
            foreach (var reference in references)
            {
                json.WriteStartObject();
                json.WriteString(Names.QuestionId, reference.QuestionId);
                json.WriteString(Names.ContextId, reference.ContextId);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteStartObject(Names.Counts);
        json.WriteNumber(Names.MarkedWiser, edge.Counts.MarkedWiser);
        json.WriteNumber(Names.MarkedNotWiser, edge.Counts.MarkedNotWiser);
        json.WriteNumber(Names.MarkedLessWise, edge.Counts.MarkedLessWise);
        json.WriteNumber(Names.MarkedUnsure, edge.Counts.MarkedUnsure);
        json.WriteNumber(Names.Impressions, edge.Counts.Impressions);
        json.WriteEndObject();
        json.WriteStartObject(Names.Summary);
        json.WriteNumber(Names.WiserLikelihood, edge.Summary.WiserLikelihood);
        json.WriteNumber(Names.Entropy, edge.Summary.Entropy);
        json.WriteEndObject();
        json.WriteBoolean(Names.InRanking, edge.InRanking);
        json.WriteBoolean(Names.Contested, edge.Contested);
        if (edge.ContestedReason is { } reason)
        {
            json.WriteString(Names.ContestedReason, reason);
        }

        json.WriteEndObject();
    }

    private static void WriteContestedEdge(Utf8JsonWriter json, SpecContestedEdge edge)
    {
        json.WriteStartObject();
        if (edge.QuestionId is { } question)
        {
            json.WriteString(Names.QuestionId, question);
        }

        if (edge.ContextId is { } context)
        {
            json.WriteString(Names.ContextId, context);
        }

        json.WriteString(Names.SourceValueId, edge.SourceValueId);
        json.WriteString(Names.WiserValueId, edge.WiserValueId);
        json.WriteString(Names.Reason, edge.Reason);
        json.WriteEndObject();
    }

    private static void WriteLatitudeValue(Utf8JsonWriter json, SpecLatitudeValue value)
    {
        json.WriteStartObject();
        json.WriteString(Names.ValueId, value.ValueId);
        json.WriteNumber(Names.WiserVotesReceived, value.WiserVotesReceived);
        OptionalNumber(json, Names.WinShare, value.WinShare);
        json.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter json, JsonEncodedText name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void OptionalString(Utf8JsonWriter json, JsonEncodedText name, string? text)
    {
        if (text is not null)
        {
            json.WriteString(name, text);
        }
    }

    private static void OptionalNumber(Utf8JsonWriter json, JsonEncodedText name, double? number)
    {
        if (number is { } value)
        {
            json.WriteNumber(name, value);
        }
    }

    /// <summary>One item of a long array: formatted once, then copied into the file on its own line and into the hash.</summary>
    private void Item<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        _itemBuffer.ResetWrittenCount();
        var indent = 0;
        if (_output is not null)
        {
            indent = 1 + (2 * _output.CurrentDepth);
            var prefix = _itemBuffer.GetSpan(indent);
            prefix[0] = (byte)'\n';
            prefix[1..indent].Fill((byte)' ');
            _itemBuffer.Advance(indent);
        }

        _item.Reset(_itemBuffer);
        write(_item, value);
        _item.Flush();
        var bytes = _itemBuffer.WrittenSpan;
        _output?.WriteRawValue(bytes, skipInputValidation: true);
        _hashed.WriteRawValue(bytes[indent..], skipInputValidation: true);
    }

    /// <summary>A chunk of the file when enough has been written (hashing what has been written so far), else null.</summary>
    private ReadOnlyMemory<byte>? TakeChunk()
    {
        if (_hashed.BytesPending + _hashedBuffer.WrittenCount >= ChunkSize)
        {
            _hashed.Flush();
            _sha256.AppendData(_hashedBuffer.WrittenSpan);
            _hashedBuffer.ResetWrittenCount();
        }

        if (_output is null || _output.BytesPending + _outputBuffer.WrittenCount < ChunkSize)
        {
            return null;
        }

        // The caller sends the chunk before asking for the next, then the buffer is reused.
        _output.Flush();
        return _outputBuffer.WrittenMemory;
    }

    private void PropertyName(string name)
    {
        _output?.WritePropertyName(name);
        _hashed.WritePropertyName(name);
    }

    private void StartObject()
    {
        _output?.WriteStartObject();
        _hashed.WriteStartObject();
    }

    private void EndObject()
    {
        _output?.WriteEndObject();
        _hashed.WriteEndObject();
    }

    private void StartArray()
    {
        _output?.WriteStartArray();
        _hashed.WriteStartArray();
    }

    private void EndArray()
    {
        _output?.WriteEndArray();
        _hashed.WriteEndArray();
    }

    private void String(string name, string value)
    {
        _output?.WriteString(name, value);
        _hashed.WriteString(name, value);
    }

    private void OptionalString(string name, string? value)
    {
        if (value is not null)
        {
            String(name, value);
        }
    }

    private void Strings(string name, IEnumerable<string> values)
    {
        PropertyName(name);
        StartArray();
        foreach (var value in values)
        {
            _output?.WriteStringValue(value);
            _hashed.WriteStringValue(value);
        }

        EndArray();
    }

    private void Number(string name, int value)
    {
        _output?.WriteNumber(name, value);
        _hashed.WriteNumber(name, value);
    }

    /// <summary>Property names of the items, encoded once: written millions of times, they would be transcoded and checked each time.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText At = JsonEncodedText.Encode("at");
        public static readonly JsonEncodedText CardId = JsonEncodedText.Encode("cardId");
        public static readonly JsonEncodedText Contested = JsonEncodedText.Encode("contested");
        public static readonly JsonEncodedText ContestedReason = JsonEncodedText.Encode("contestedReason");
        public static readonly JsonEncodedText ContextId = JsonEncodedText.Encode("contextId");
        public static readonly JsonEncodedText ContextRefs = JsonEncodedText.Encode("contextRefs");
        public static readonly JsonEncodedText Contexts = JsonEncodedText.Encode("contexts");
        public static readonly JsonEncodedText Counts = JsonEncodedText.Encode("counts");
        public static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
        public static readonly JsonEncodedText Entropy = JsonEncodedText.Encode("entropy");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText Impressions = JsonEncodedText.Encode("impressions");
        public static readonly JsonEncodedText InRanking = JsonEncodedText.Encode("inRanking");
        public static readonly JsonEncodedText Language = JsonEncodedText.Encode("language");
        public static readonly JsonEncodedText MarkedLessWise = JsonEncodedText.Encode("markedLessWise");
        public static readonly JsonEncodedText MarkedNotWiser = JsonEncodedText.Encode("markedNotWiser");
        public static readonly JsonEncodedText MarkedUnsure = JsonEncodedText.Encode("markedUnsure");
        public static readonly JsonEncodedText MarkedWiser = JsonEncodedText.Encode("markedWiser");
        public static readonly JsonEncodedText Members = JsonEncodedText.Encode("members");
        public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
        public static readonly JsonEncodedText ParticipantCount = JsonEncodedText.Encode("participantCount");
        public static readonly JsonEncodedText ParticipantId = JsonEncodedText.Encode("participantId");
        public static readonly JsonEncodedText Policies = JsonEncodedText.Encode("policies");
        public static readonly JsonEncodedText PromptHash = JsonEncodedText.Encode("promptHash");
        public static readonly JsonEncodedText PromptId = JsonEncodedText.Encode("promptId");
        public static readonly JsonEncodedText Provenance = JsonEncodedText.Encode("provenance");
        public static readonly JsonEncodedText QuestionId = JsonEncodedText.Encode("questionId");
        public static readonly JsonEncodedText Rank = JsonEncodedText.Encode("rank");
        public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
        public static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");
        public static readonly JsonEncodedText ScoreHigh = JsonEncodedText.Encode("scoreHigh");
        public static readonly JsonEncodedText ScoreLow = JsonEncodedText.Encode("scoreLow");
        public static readonly JsonEncodedText SourceValueId = JsonEncodedText.Encode("sourceValueId");
        public static readonly JsonEncodedText Summary = JsonEncodedText.Encode("summary");
        public static readonly JsonEncodedText Temperature = JsonEncodedText.Encode("temperature");
        public static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");
        public static readonly JsonEncodedText Translations = JsonEncodedText.Encode("translations");
        public static readonly JsonEncodedText ValueId = JsonEncodedText.Encode("valueId");
        public static readonly JsonEncodedText WinShare = JsonEncodedText.Encode("winShare");
        public static readonly JsonEncodedText WiserLikelihood = JsonEncodedText.Encode("wiserLikelihood");
        public static readonly JsonEncodedText WiserValueId = JsonEncodedText.Encode("wiserValueId");
        public static readonly JsonEncodedText WiserVotesReceived = JsonEncodedText.Encode("wiserVotesReceived");
    }
}
