using MoralGraph.LoadTesting.Harness;

namespace MoralGraph.LoadTesting.Tests;

public sealed class LoopbackUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://127.0.0.1:5000/")]
    [InlineData("http://127.10.0.3:8080")]
    [InlineData("https://localhost:5001")]
    [InlineData("http://LOCALHOST:5000")]
    [InlineData("http://[::1]:5000")]
    public void Loopback_addresses_are_accepted(string url) => Assert.True(LoopbackUrl.IsLoopback(LoopbackUrl.Require(url)));

    [Theory]
    [InlineData("http://10.0.0.5:5000")]
    [InlineData("http://192.168.1.10")]
    [InlineData("http://172.16.0.1")]
    [InlineData("https://moralgraph.example.org")]
    [InlineData("http://localhost.example.org")]
    [InlineData("http://127.0.0.1.nip.io")]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://[::ffff:10.0.0.1]:5000")]
    public void Any_other_address_is_refused_with_the_reason(string url)
    {
        var refused = Assert.Throws<ArgumentException>(() => LoopbackUrl.Require(url));

        Assert.Contains("only sends traffic to loopback addresses", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("not a url")]
    public void A_url_that_is_not_http_is_refused(string url) =>
        Assert.Throws<ArgumentException>(() => LoopbackUrl.Require(url));

    [Fact]
    public async Task The_command_refuses_a_remote_server_before_sending_anything()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await MoralGraph.Cli.MoralGraphCli.RunAsync(
            ["load", "--url", "http://10.1.2.3:5000", "--study", "demo", "--participants", "10", "--duration", "1s"], output, error, new StringReader(string.Empty));

        Assert.Equal(1, exitCode);
        Assert.Contains("--url http://10.1.2.3:5000 is not on this machine", error.ToString(), StringComparison.Ordinal);
    }
}
