using System.Reflection;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.Tests;

namespace MoralGraph.LanguageModels.Tests.Architecture;

/// <summary>
/// The domain knows nothing of models or vendors, and vendor SDK types appear in one file of the model layer only, so
/// switching provider (or SDK) touches one place.
/// </summary>
public sealed class VendorBoundaryTests
{
    [Fact]
    public void Core_references_no_model_vendor_web_or_storage_assembly()
    {
        var references = typeof(Study).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.Extensions.AI", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("OpenAI", StringComparison.Ordinal) || name.StartsWith("Azure", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || name == "LiteDB");
    }

    [Fact]
    public void Only_the_client_factory_uses_the_OpenAI_SDK()
    {
        var folder = RepositoryFiles.PathOf("src/MoralGraph.LanguageModels");
        var users = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(path => File.ReadLines(path).Any(line => line.StartsWith("using OpenAI", StringComparison.Ordinal) || line.StartsWith("using System.ClientModel", StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(folder, path).Replace('\\', '/'))
            .ToList();

        Assert.Equal(["Configuration/LanguageModelClients.cs"], users);
        Assert.DoesNotContain(typeof(ModelCalls).Assembly.GetExportedTypes(), type => type.GetMethods().Any(m => m.ReturnType.Namespace?.StartsWith("OpenAI", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Core_public_api_mentions_no_model_abstraction_types()
    {
        var leaking = typeof(Study).Assembly.GetExportedTypes()
            .SelectMany(type => type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(member => member switch
            {
                MethodInfo method => method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType).Any(IsModelType),
                PropertyInfo property => IsModelType(property.PropertyType),
                _ => false,
            })
            .Select(member => $"{member.DeclaringType!.Name}.{member.Name}")
            .ToList();

        Assert.Empty(leaking);
    }

    private static bool IsModelType(Type type) =>
        type.Namespace?.StartsWith("Microsoft.Extensions.AI", StringComparison.Ordinal) == true
        || (type.IsGenericType && type.GetGenericArguments().Any(IsModelType));
}
