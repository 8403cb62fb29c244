/** What the rules must not flag: compliant fixtures in production, and the allowed exceptions. */
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ComputeRegionInstanceGroupManager } from "@cdktf/provider-google/lib/compute-region-instance-group-manager";
import { ComputeSslPolicy } from "@cdktf/provider-google/lib/compute-ssl-policy";
import { ComputeTargetHttpsProxy } from "@cdktf/provider-google/lib/compute-target-https-proxy";
import { ComputeUrlMap } from "@cdktf/provider-google/lib/compute-url-map";
import { ComputeGlobalForwardingRule } from "@cdktf/provider-google/lib/compute-global-forwarding-rule";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { compliantDatabase, compliantLaunchTemplate, compliantLoadBalancer, instancesBehind } from "./fixtures-aws";
import { compliantSql, compliantTemplate, firewall, httpFrontEnd } from "./fixtures-gcp";
import { checkFixture, findingsOf } from "./support";

describe("AWS", () => {
  test("a compliant web tier has no findings in production", () => {
    const aspect = checkFixture(
      "aws",
      (scope) => {
        const { group, alb } = compliantLoadBalancer(scope, "alb");
        for (const port of [80, 443]) {
          new VpcSecurityGroupIngressRule(scope, `world-${port}`, {
            securityGroupId: group.id,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrIpv4: "0.0.0.0/0",
          });
        }
        new LbListener(scope, "http", {
          loadBalancerArn: alb.arn,
          port: 80,
          protocol: "HTTP",
          defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        });
        new LbListener(scope, "https", {
          loadBalancerArn: alb.arn,
          port: 443,
          protocol: "HTTPS",
          certificateArn: "arn:cert",
          sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
          defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
        });
        const instances = instancesBehind(scope, group);
        // Egress to anywhere is not ingress.
        new SecurityGroupRule(scope, "egress", {
          type: "egress",
          securityGroupId: instances.id,
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
        });
        const template = compliantLaunchTemplate(scope, "template");
        new AutoscalingGroup(scope, "group", {
          minSize: 2,
          maxSize: 4,
          launchTemplate: { id: template.id, version: template.latestVersion.toString() },
          targetGroupArns: ["arn:tg"],
          healthCheckType: "ELB",
          vpcZoneIdentifier: ["subnet-a"],
        });
        new Subnet(scope, "private", { vpcId: "vpc-1", cidrBlock: "10.0.16.0/20", mapPublicIpOnLaunch: false });
        compliantDatabase(scope, "db");
      },
      { production: true },
    );
    expect(aspect.findings()).toEqual([]);
  });

  test("inline tcp 80/443 from the internet is fine on a group the load balancer uses", () => {
    const aspect = checkFixture("aws", (scope) => {
      const group = new SecurityGroup(scope, "alb-group", {
        vpcId: "vpc-1",
        ingress: [
          { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
          { protocol: "6", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] },
        ],
      });
      new Lb(scope, "alb", { name: "alb", subnets: ["subnet-a"], securityGroups: [group.id], dropInvalidHeaderFields: true });
    });
    expect(aspect.findings()).toEqual([]);
  });

  test("a port range 80-443 is not the 80/443 exception", () => {
    const aspect = checkFixture("aws", (scope) => {
      const { group } = compliantLoadBalancer(scope, "alb");
      new VpcSecurityGroupIngressRule(scope, "range", { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 80, toPort: 443, cidrIpv4: "0.0.0.0/0" });
    });
    expect(findingsOf(aspect, "AWS-SG-INGRESS-OPEN").map((finding) => finding.detail)).toEqual(["tcp 80-443 from 0.0.0.0/0"]);
  });

  test("SSH from a private range is not from anywhere", () => {
    const aspect = checkFixture("aws", (scope) => {
      new VpcSecurityGroupIngressRule(scope, "ssh", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" });
    });
    expect(aspect.findings()).toEqual([]);
  });

  test.each([
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
  ])("TLS 1.2+ policy %s is accepted", (sslPolicy) => {
    const aspect = checkFixture("aws", (scope) => {
      new LbListener(scope, "https", {
        loadBalancerArn: "arn:lb",
        port: 443,
        protocol: "HTTPS",
        certificateArn: "arn:cert",
        sslPolicy,
        defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
      });
    });
    expect(findingsOf(aspect, "AWS-ELB-TLS12")).toEqual([]);
  });

  test("a network load balancer has no HTTP headers to drop", () => {
    const aspect = checkFixture("aws", (scope) => {
      new Lb(scope, "nlb", { name: "nlb", loadBalancerType: "network", subnets: ["subnet-a"] });
    });
    expect(findingsOf(aspect, "AWS-ALB-DROP-INVALID-HEADERS")).toEqual([]);
  });

  test("an autoscaling group without a load balancer may use EC2 health checks", () => {
    const aspect = checkFixture(
      "aws",
      (scope) => {
        const template = compliantLaunchTemplate(scope, "template");
        new AutoscalingGroup(scope, "workers", { minSize: 1, maxSize: 2, launchTemplate: { id: template.id }, vpcZoneIdentifier: ["subnet-a"] });
      },
      { production: true },
    );
    expect(aspect.findings()).toEqual([]);
  });
});

describe("Google Cloud", () => {
  test("a compliant web tier has no findings in production", () => {
    const aspect = checkFixture(
      "gcp",
      (scope) => {
        firewall(scope, "allow-lb", { allow: [{ protocol: "tcp", ports: ["3000"] }], sourceRanges: ["130.211.0.0/22", "35.191.0.0/16"] });
        firewall(scope, "iap-ssh", { allow: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["35.235.240.0/20"] });
        const template = compliantTemplate(scope, "template");
        new ComputeRegionInstanceGroupManager(scope, "group", {
          name: "group",
          baseInstanceName: "web",
          region: "europe-west1",
          version: [{ instanceTemplate: template.selfLinkUnique }],
          autoHealingPolicies: { healthCheck: "hc", initialDelaySec: 300 },
        });
        const policy = new ComputeSslPolicy(scope, "tls", { name: "tls", minTlsVersion: "TLS_1_2", profile: "MODERN" });
        const serving = new ComputeUrlMap(scope, "https-map", { name: "https", defaultService: "backend" });
        const https = new ComputeTargetHttpsProxy(scope, "https-proxy", {
          name: "https",
          urlMap: serving.id,
          sslCertificates: ["cert"],
          sslPolicy: policy.id,
        });
        new ComputeGlobalForwardingRule(scope, "https-rule", { name: "https", target: https.id, portRange: "443" });
        httpFrontEnd(scope, new ComputeUrlMap(scope, "redirect", { name: "redirect", defaultUrlRedirect: { httpsRedirect: true, stripQuery: false } }));
        new RandomProvider(scope, "random");
        const password = new Password(scope, "password", { length: 32 });
        const sql = compliantSql(scope, "sql", {
          passwordValidationPolicy: { enablePasswordPolicy: true, minLength: 16, complexity: "COMPLEXITY_DEFAULT" },
        });
        new SqlUser(scope, "user", { name: "app", instance: sql.name, password: password.result });
        new SecretManagerSecretVersion(scope, "secret", { secret: "projects/p/secrets/s", secretData: password.result });
        // Only references, no literal character: not a literal secret.
        new SecretManagerSecretVersion(scope, "joined", { secret: "projects/p/secrets/j", secretData: `${password.result}${password.id}` });
      },
      { production: true },
    );
    expect(aspect.findings()).toEqual([]);
  });

  test.each([
    ["tcp 80/443 from the internet", { allow: [{ protocol: "tcp", ports: ["80", "443"] }], sourceRanges: ["0.0.0.0/0"] }],
    ["a deny rule from the internet", { deny: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"] }],
    ["egress to the internet", { direction: "EGRESS", allow: [{ protocol: "all" }], destinationRanges: ["0.0.0.0/0"] }],
    ["a source tag instead of ranges", { allow: [{ protocol: "tcp", ports: ["22"] }], sourceTags: ["bastion"] }],
    ["a disabled rule", { disabled: true, allow: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"] }],
  ])("firewall: %s is not flagged", (_name, config) => {
    const aspect = checkFixture("gcp", (scope) => firewall(scope, "rule", config as any));
    expect(aspect.findings()).toEqual([]);
  });

  test("an HTTP proxy defined outside the stack cannot be verified", () => {
    const aspect = checkFixture("gcp", (scope) => {
      new ComputeGlobalForwardingRule(scope, "http-rule", { name: "http", target: "projects/p/global/targetHttpProxies/x", portRange: "80" });
    });
    expect(findingsOf(aspect, "GCP-LB-HTTP-REDIRECT").map((finding) => finding.detail)).toEqual([
      'target "projects/p/global/targetHttpProxies/x" is not a proxy of this stack, so the HTTP→HTTPS redirect cannot be verified',
    ]);
  });
});
