import { Fn, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { awsContainerBootScript } from "../../constructs/aws/boot-script";
import { InstanceGroup, InstanceGroupProps } from "../../constructs/aws/instance-group";
import { ECS_OPTIMIZED_ARM64_IMAGE_ID, ECS_OPTIMIZED_X86_64_IMAGE_ID, InstanceContainer } from "../../constructs/aws/instance-container";
import { LoadBalancer } from "../../constructs/aws/load-balancer";
import { ContainerLaunch } from "../../lib/container-boot";
import { idOf, ref, synthWith, Synthesized } from "../support/synth";

const ECR_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2";
const PUBLIC_IMAGE = "public.ecr.aws/nginx/nginx:1.27";
const CONTAINER: InstanceContainer = { image: ECR_IMAGE, env: { APP_MODE: "production" }, region: "eu-west-1" };

function groupProps(overrides: Partial<InstanceGroupProps>, targetGroupArn: string): InstanceGroupProps {
  return {
    name: "prod-web",
    vpcId: "vpc-123",
    subnetIds: ["subnet-a", "subnet-b"],
    instanceType: "t3.medium",
    port: 8080,
    targetGroupArn,
    minSize: 2,
    maxSize: 6,
    container: CONTAINER,
    ...overrides,
  };
}

/** The group next to a stand-in target group and load balancer security group. */
function buildIn(scope: Construct, overrides: Partial<InstanceGroupProps> = {}): InstanceGroup {
  const loadBalancerGroup = new SecurityGroup(scope, "alb-sg", { name: "alb", vpcId: "vpc-123" });
  const targetGroup = new LbTargetGroup(scope, "tg", { name: "web", port: 8080, protocol: "HTTP", vpcId: "vpc-123" });
  const group = new InstanceGroup(scope, "web", groupProps(overrides, targetGroup.arn));
  group.allowFrom({ securityGroupId: loadBalancerGroup.id });
  return group;
}

/**
 * Synthesizes the group and, as output "expected", what its user data must be: Terraform's base64 of the
 * boot script for `launch` (rendered in the same stack, so tokens resolve the same way).
 */
function build(overrides: Partial<InstanceGroupProps> = {}, launch?: ContainerLaunch): Synthesized {
  return synthWith("aws", (scope) => {
    const group = buildIn(scope, overrides);
    if (group.containerLogGroupName) new TerraformOutput(scope, "log-group-name", { value: group.containerLogGroupName });
    if (launch) expectUserData(scope, launch);
  });
}

function expectUserData(scope: Construct, launch: ContainerLaunch): void {
  const script = awsContainerBootScript(launch, { region: "eu-west-1", logGroupName: "/prod-web" });
  new TerraformOutput(scope, "expected", { value: Fn.base64encode(script) });
}

const error = (prop: string) => `InstanceGroup 'web': ${prop}: `;
const props = (overrides: Partial<InstanceGroupProps>) => () => build(overrides);

describe("InstanceGroup with a container", () => {
  const synth = build({}, { name: "prod-web", image: ECR_IMAGE, port: 8080, env: { APP_MODE: "production" } });
  const template = synth.only("aws_launch_template");
  const roleId = idOf(synth, "aws_iam_role");
  const logGroupId = idOf(synth, "aws_cloudwatch_log_group");
  const policies = synth.resources("aws_iam_role_policy");

  describe("launch template", () => {
    it("user data is Terraform's base64 of the boot script running the image, its environment, port and log group", () => {
      expect(template.user_data).toBe(synth.outputs().expected.value);
      expect(template.user_data.startsWith("${base64encode(")).toBe(true);
      expect(template.user_data).toContain(ECR_IMAGE);
    });

    it("launches the ECS-optimized Amazon Linux 2023 image (Docker preinstalled), resolved by EC2", () => {
      expect(template.image_id).toBe(ECS_OPTIMIZED_X86_64_IMAGE_ID);
      expect(template.image_id).toBe("resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
      expect(synth.json.data).toBeUndefined();
    });

    it("keeps IMDSv2 required, with one more hop so the container reaches the instance role", () => {
      expect(template.metadata_options).toMatchObject({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 2 });
    });

    it("sizes the root volume for the image's 30 GiB snapshot", () => {
      expect(template.block_device_mappings[0].ebs.volume_size).toBe(30);
    });

    it("picks the arm64 ECS-optimized image for Graviton, and leaves an explicit image and volume alone", () => {
      expect(build({ instanceType: "t4g.medium" }).only("aws_launch_template").image_id).toBe(
        "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
      );
      expect(ECS_OPTIMIZED_ARM64_IMAGE_ID).toBe("resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id");
      const custom = build({ imageId: "ami-0123456789abcdef0" }).only("aws_launch_template");
      expect(custom.image_id).toBe("ami-0123456789abcdef0");
      expect(custom.block_device_mappings[0].ebs.volume_size).toBe(20);
      expect(build({ imageId: "ami-0123456789abcdef0", rootVolumeSizeGb: 8 }).only("aws_launch_template").block_device_mappings[0].ebs.volume_size).toBe(8);
    });

    it("lets Terraform fill in environment values that are tokens", () => {
      const withToken = synthWith("aws", (scope) => {
        const env = { DATABASE_HOST: new SsmParameter(scope, "endpoint", { name: "/db/endpoint", type: "String", value: "db.internal" }).value };
        buildIn(scope, { container: { ...CONTAINER, env } });
        expectUserData(scope, { name: "prod-web", image: ECR_IMAGE, port: 8080, env });
      });
      const userData = withToken.only("aws_launch_template").user_data;
      expect(userData).toContain("aws_ssm_parameter.endpoint.value");
      expect(userData).toBe(withToken.outputs().expected.value);
    });
  });

  describe("logs", () => {
    it("go to the log group /<name>, kept 30 days unless told otherwise", () => {
      expect(synth.only("aws_cloudwatch_log_group")).toEqual({ name: "/prod-web", retention_in_days: 30, tags: { Name: "prod-web" } });
      expect(synth.outputs()["log-group-name"].value).toBe("/prod-web");
      expect(build({ container: { ...CONTAINER, logRetentionDays: 365 } }).only("aws_cloudwatch_log_group").retention_in_days).toBe(365);
    });

    it("may be written by the instance role to that group only", () => {
      const policy = Object.values(policies).find((candidate: any) => candidate.name === "prod-web-container-logs");
      expect(policy.role).toBe(ref("aws_iam_role", roleId, "name"));
      expect(policy.policy).toBe(
        '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "WriteContainerLogs", "Effect" = "Allow", ' +
          `"Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = "\${aws_cloudwatch_log_group.${logGroupId}.arn}:*"}]})}`,
      );
    });
  });

  describe("registry access", () => {
    it("an ECR image gets the login token and pull rights on its repository only", () => {
      const policy = Object.values(policies).find((candidate: any) => candidate.name === "prod-web-ecr-pull");
      expect(policy.role).toBe(ref("aws_iam_role", roleId, "name"));
      expect(policy.policy).toBe(
        '${jsonencode({"Version" = "2012-10-17", "Statement" = [' +
          '{"Sid" = "RegistryLogin", "Effect" = "Allow", "Action" = "ecr:GetAuthorizationToken", "Resource" = "*"}, ' +
          '{"Sid" = "PullImage", "Effect" = "Allow", "Action" = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], ' +
          '"Resource" = "arn:aws:ecr:eu-west-1:123456789012:repository/shop/web"}]})}',
      );
    });

    it("a public image gets no registry permissions", () => {
      const names = Object.values(build({ container: { ...CONTAINER, image: PUBLIC_IMAGE } }).resources("aws_iam_role_policy")).map(
        (policy: any) => policy.name,
      );
      expect(names).toEqual(["prod-web-container-logs"]);
    });
  });

  it("launches instances only once the log group and the permissions exist", () => {
    const policyIds = Object.keys(policies).sort();
    expect(synth.only("aws_autoscaling_group").depends_on.sort()).toEqual(
      [`aws_cloudwatch_log_group.${logGroupId}`, ...policyIds.map((id) => `aws_iam_role_policy.${id}`)].sort(),
    );
  });

  it("without a container there is no log group, no policy, no dependency, and the hop limit stays 1", () => {
    const plain = build({ container: undefined, userData: "#!/bin/bash\n" });
    expect(plain.resources("aws_cloudwatch_log_group")).toEqual({});
    expect(plain.resources("aws_iam_role_policy")).toEqual({});
    expect(plain.only("aws_autoscaling_group").depends_on).toBeUndefined();
    expect(plain.only("aws_launch_template").metadata_options.http_put_response_hop_limit).toBe(1);
    expect(plain.outputs()["log-group-name"]).toBeUndefined();
  });

  describe("release", () => {
    /** A load balancer and the group, as the stack wires them, running `image`. */
    const release = (image: string) =>
      synthWith("aws", (scope) => {
        const lb = new LoadBalancer(scope, "lb", {
          name: "shop-prod",
          vpcId: "vpc-123",
          subnetIds: ["subnet-a", "subnet-b"],
          services: [{ name: "web", port: 8080, healthCheck: { path: "/healthz" } }],
          defaultService: "web",
        });
        const group = new InstanceGroup(scope, "web", groupProps({ container: { ...CONTAINER, image } }, lb.targetGroupArns.web));
        group.allowFrom(lb);
      }).json;

    it("a new image tag changes the launch template's user data and nothing else, which the instance refresh rolls out", () => {
      const before = release(ECR_IMAGE);
      const after = release(ECR_IMAGE.replace(":1.4.2", ":1.5.0"));
      const differing = Object.keys({ ...before.resource, ...after.resource }).flatMap((type) =>
        Object.keys({ ...before.resource[type], ...after.resource[type] })
          .filter((id) => JSON.stringify(before.resource[type]?.[id]) !== JSON.stringify(after.resource[type]?.[id]))
          .map((id) => `${type}.${id}`),
      );
      expect(differing).toEqual([`aws_launch_template.${Object.keys(before.resource.aws_launch_template)[0]}`]);
      const [templateBefore] = Object.values(before.resource.aws_launch_template) as any[];
      const [templateAfter] = Object.values(after.resource.aws_launch_template) as any[];
      expect(templateAfter.user_data).not.toBe(templateBefore.user_data);
      expect({ ...templateAfter, user_data: undefined }).toEqual({ ...templateBefore, user_data: undefined });
      // Zero downtime: the group follows the template's new version, launching replacements before terminating.
      const [group] = Object.values(after.resource.aws_autoscaling_group) as any[];
      expect(group.launch_template.version).toMatch(/^\$\{aws_launch_template\..+\.latest_version\}$/);
      expect(group.instance_refresh.preferences).toEqual({ min_healthy_percentage: 100, max_healthy_percentage: 200 });
    });
  });

  describe("validation", () => {
    it("refuses userData next to container", () => {
      expect(props({ userData: "#!/bin/bash\n" })).toThrow(
        new Error(
          `${error("userData")}is set together with container (container generates the user data: put the setup into the image, or leave container out)`,
        ),
      );
    });

    it("refuses a missing, blank or token image", () => {
      expect(props({ container: { ...CONTAINER, image: "" } })).toThrow(new Error(`${error("container.image")}is empty (an image reference, e.g. "nginx:1.27")`));
      expect(props({ container: { ...CONTAINER, image: "nginx 1.27" } })).toThrow(
        new Error(`${error("container.image")}"nginx 1.27" is not an image reference (registry/repository:tag or ...@sha256:digest, e.g. "nginx:1.27")`),
      );
      expect(() =>
        synthWith("aws", (scope) => {
          const parameter = new SsmParameter(scope, "image", { name: "/image", type: "String", value: "nginx" });
          buildIn(scope, { container: { ...CONTAINER, image: parameter.value } });
        }),
      ).toThrow(new Error(`${error("container.image")}is a token (a literal image reference: the registry permissions are derived from it at synthesis)`));
    });

    it("refuses a malformed region and environment names", () => {
      expect(props({ container: { ...CONTAINER, region: "Ireland" } })).toThrow(new Error(`${error("container.region")}"Ireland" is not an AWS region (e.g. "eu-west-1")`));
      expect(props({ container: { ...CONTAINER, env: { "1ST": "x" } } })).toThrow(
        new Error(`${error("container.env.1ST")}is not a variable name (letters, digits and "_", not starting with a digit)`),
      );
      expect(props({ container: { ...CONTAINER, env: { "APP-MODE": "x" } } })).toThrow(`${error("container.env.APP-MODE")}is not a variable name`);
      expect(props({ container: { ...CONTAINER, env: { MOTD: "a\nb" } } })).toThrow(new Error(`${error("container.env.MOTD")}contains a line break (a single-line value)`));
    });

    it("refuses an upper-case group name, which would name the container", () => {
      expect(props({ name: "Prod-web" })).toThrow(
        new Error(`${error("name")}"Prod-web" has upper-case letters (lower-case letters, digits and hyphens with container, which it names)`),
      );
    });

    it("refuses a retention CloudWatch does not offer", () => {
      expect(props({ container: { ...CONTAINER, logRetentionDays: 10 } })).toThrow(
        new Error(
          `${error("container.logRetentionDays")}10 is not a CloudWatch retention period ` +
            "(one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
        ),
      );
      expect(props({ container: { ...CONTAINER, logRetentionDays: 0 } })).toThrow(`${error("container.logRetentionDays")}0 is not a CloudWatch retention period`);
    });

    it("refuses a root volume smaller than the default container image's snapshot", () => {
      expect(props({ rootVolumeSizeGb: 20 })).toThrow(
        new Error(`${error("rootVolumeSizeGb")}20 is not allowed (an integer from 30 to 16384: the ECS-optimized image's root snapshot is 30 GiB)`),
      );
    });
  });
});
