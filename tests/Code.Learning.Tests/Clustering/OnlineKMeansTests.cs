using Code.Learning.Clustering;

namespace Code.Learning.Tests.Clustering;

public class OnlineKMeansTests
{
    [Fact]
    public void One_cluster_is_the_running_mean()
    {
        var kmeans = new OnlineKMeans(1, 2);
        kmeans.Learn([1.0, 2.0]);
        kmeans.Learn([3.0, 6.0]);
        kmeans.Learn([5.0, 1.0]);
        Assert.Equal([3.0, 3.0], kmeans.GetCentre(0));
        Assert.Equal(3, kmeans.GetCount(0));
    }

    [Fact]
    public void Separated_blobs_get_one_centre_each()
    {
        double[][] blobs = [[0, 0], [10, 0], [0, 10]];
        var random = new Random(41);
        var kmeans = new OnlineKMeans(3, 2);
        for (var i = 0; i < 3000; i++)
        {
            var blob = blobs[i % 3];
            kmeans.Learn([blob[0] + random.NextDouble() - 0.5, blob[1] + random.NextDouble() - 0.5]);
        }

        var assigned = blobs.Select(b => kmeans.Assign(b).Cluster).ToArray();
        Assert.Equal(3, assigned.Distinct().Count());
        foreach (var (blob, cluster) in blobs.Zip(assigned))
        {
            var centre = kmeans.GetCentre(cluster);
            Assert.InRange(centre[0], blob[0] - 0.1, blob[0] + 0.1);
            Assert.InRange(centre[1], blob[1] - 0.1, blob[1] + 0.1);
        }
    }

    [Fact]
    public void Bad_points_fail_clearly()
    {
        var kmeans = new OnlineKMeans(2, 3);
        Assert.Throws<InvalidOperationException>(() => kmeans.Assign([1.0, 2.0, 3.0]));
        Assert.Throws<ArgumentException>(() => kmeans.Learn([1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => kmeans.Learn([1.0, double.NaN, 3.0]));
    }
}
