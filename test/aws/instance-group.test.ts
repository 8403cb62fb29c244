import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import {
  DEFAULT_ARM64_IMAGE_ID,
  DEFAULT_X86_64_IMAGE_ID,
  InstanceGroup,
  InstanceGroupProps,
  isGravitonInstanceType,
} from "../../constructs/aws/instance-group";
import { PropsError } from "../../lib/errors";
import { idOf, ref, synthWith, Synthesized } from "../support/synth";

const USER_DATA = "#!/bin/bash\nset -euo pipefail\ndnf install -y nginx\n";

/** Builds the group next to a target group and load balancer security group it can reference. */
function build(overrides: Partial<InstanceGroupProps> = {}): Synthesized {
  return synthWith("aws", (scope) => buildIn(scope, overrides));
}

/** The group, opened to a stand-in load balancer (`alb-sg`) unless `open` is false. */
function buildIn(scope: Construct, overrides: Partial<InstanceGroupProps> = {}, open = true): InstanceGroup {
  const loadBalancerGroup = new SecurityGroup(scope, "alb-sg", { name: "alb", vpcId: "vpc-123" });
  const targetGroup = new LbTargetGroup(scope, "tg", { name: "web", port: 8080, protocol: "HTTP", vpcId: "vpc-123" });
  const group = new InstanceGroup(scope, "web", {
    name: "prod-web",
    vpcId: "vpc-123",
    subnetIds: ["subnet-a", "subnet-b"],
    instanceType: "t3.medium",
    port: 8080,
    targetGroupArn: targetGroup.arn,
    minSize: 2,
    maxSize: 6,
    userData: USER_DATA,
    ...overrides,
  });
  if (open) group.allowFrom({ securityGroupId: loadBalancerGroup.id });
  return group;
}

/** Builds in a stack and synthesizes it with the construct validations, as `cdktf synth` does. */
function synthValidated(build: (scope: Construct) => void): string {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  return Testing.synth(stack, true);
}

const props = (overrides: Partial<InstanceGroupProps> = {}) => () => build(overrides);

describe("InstanceGroup", () => {
  const synth = build();
  const sgId = idOf(synth, "aws_security_group", (group) => group.name === "prod-web-instances");
  const instanceSg = ref("aws_security_group", sgId, "id");
  const albSg = ref("aws_security_group", "alb-sg", "id");
  const launchTemplateId = idOf(synth, "aws_launch_template");
  const groupId = idOf(synth, "aws_autoscaling_group");
  const roleId = idOf(synth, "aws_iam_role");
  const profileId = idOf(synth, "aws_iam_instance_profile");

  describe("launch template", () => {
    const template = synth.only("aws_launch_template");

    it("is named after the service and launches the default Amazon Linux 2023 image resolved by EC2", () => {
      expect(template.name).toBe("prod-web");
      expect(template.image_id).toBe(DEFAULT_X86_64_IMAGE_ID);
      expect(template.image_id).toBe("resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
      expect(template.instance_type).toBe("t3.medium");
      expect(synth.json.data).toBeUndefined();
    });

    it("requires IMDSv2 tokens with a hop limit of 1", () => {
      expect(template.metadata_options).toEqual({
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
        instance_metadata_tags: "disabled",
      });
    });

    it("has an encrypted 20 GiB gp3 root volume deleted with the instance", () => {
      expect(template.block_device_mappings).toEqual([
        {
          device_name: "/dev/xvda",
          ebs: { volume_size: 20, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" },
        },
      ]);
    });

    it("base64-encodes the user data", () => {
      expect(Buffer.from(template.user_data, "base64").toString("utf8")).toBe(USER_DATA);
    });

    it("puts the service security group on a network interface without a public IP", () => {
      expect(template.network_interfaces).toEqual([
        { device_index: 0, associate_public_ip_address: "false", delete_on_termination: "true", security_groups: [instanceSg] },
      ]);
      expect(template.vpc_security_group_ids).toBeUndefined();
    });

    it("uses the instance profile, detailed monitoring, no key pair, and tags what it launches", () => {
      expect(template.iam_instance_profile).toEqual({ arn: ref("aws_iam_instance_profile", profileId, "arn") });
      expect(template.monitoring).toEqual({ enabled: true });
      expect(template.key_name).toBeUndefined();
      expect(template.tag_specifications.map((spec: any) => spec.resource_type)).toEqual(["instance", "volume", "network-interface"]);
      for (const spec of template.tag_specifications) expect(spec.tags).toEqual({ Name: "prod-web" });
    });
  });

  describe("autoscaling group", () => {
    const group = synth.only("aws_autoscaling_group");

    it("runs in the given subnets between min and max, leaving the desired count to AWS and the CPU policy", () => {
      expect(group.name).toBe("prod-web");
      expect(group.vpc_zone_identifier).toEqual(["subnet-a", "subnet-b"]);
      expect(group.min_size).toBe(2);
      expect(group.max_size).toBe(6);
      expect(group.desired_capacity).toBeUndefined();
    });

    it("follows the launch template's latest version", () => {
      expect(group.launch_template).toEqual({
        id: ref("aws_launch_template", launchTemplateId, "id"),
        version: ref("aws_launch_template", launchTemplateId, "latest_version"),
      });
    });

    it("registers with the target group and replaces instances the load balancer finds unhealthy", () => {
      expect(group.target_group_arns).toEqual([ref("aws_lb_target_group", "tg", "arn")]);
      expect(group.health_check_type).toBe("ELB");
      expect(group.health_check_grace_period).toBe(300);
    });

    it("rolls template changes out launching replacements before terminating (100% healthy, up to 200%)", () => {
      expect(group.instance_refresh).toEqual({
        strategy: "Rolling",
        preferences: { min_healthy_percentage: 100, max_healthy_percentage: 200 },
      });
    });

    it("scales on average CPU with a target-tracking policy", () => {
      expect(synth.only("aws_autoscaling_policy")).toEqual({
        name: "prod-web-cpu-target",
        autoscaling_group_name: ref("aws_autoscaling_group", groupId, "name"),
        policy_type: "TargetTrackingScaling",
        target_tracking_configuration: {
          predefined_metric_specification: { predefined_metric_type: "ASGAverageCPUUtilization" },
          target_value: 60,
        },
      });
    });
  });

  describe("network access", () => {
    it("gives the instances a security group without inline rules", () => {
      const group = synth.resources("aws_security_group")[sgId];
      expect(group).toMatchObject({ name: "prod-web-instances", vpc_id: "vpc-123", tags: { Name: "prod-web-instances" } });
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    });

    it("allowFrom(loadBalancer) admits the service port only from the load balancer's security group", () => {
      const ingress = synth.resources("aws_vpc_security_group_ingress_rule");
      // Created inside the instance group whoever calls allowFrom: the logical id follows its path.
      expect(Object.keys(ingress)).toEqual([expect.stringMatching(/^web_ingress-from-load-balancer_[0-9A-F]{8}$/)]);
      expect(Object.values(ingress)).toEqual([
        {
          security_group_id: instanceSg,
          referenced_security_group_id: albSg,
          description: "Service port 8080 from the load balancer",
          ip_protocol: "tcp",
          from_port: 8080,
          to_port: 8080,
          tags: { Name: "prod-web" },
        },
      ]);
    });

    it("allowFrom(loadBalancer) opens the load balancer's egress to the instances on the service port", () => {
      const egress = Object.entries(synth.resources("aws_vpc_security_group_egress_rule")).filter(
        ([, rule]: [string, any]) => rule.security_group_id === albSg,
      );
      expect(egress).toEqual([
        [
          expect.stringMatching(/^web_load-balancer-egress-to-instances_[0-9A-F]{8}$/),
          {
            security_group_id: albSg,
            referenced_security_group_id: instanceSg,
            description: "To prod-web instances on port 8080",
            ip_protocol: "tcp",
            from_port: 8080,
            to_port: 8080,
            tags: { Name: "prod-web" },
          },
        ],
      ]);
    });

    it("opens nothing to the load balancer until allowFrom is called", () => {
      const closed = synthWith("aws", (scope) => buildIn(scope, {}, false));
      expect(closed.resources("aws_vpc_security_group_ingress_rule")).toEqual({});
      expect(Object.values(closed.resources("aws_vpc_security_group_egress_rule"))).toEqual([
        expect.objectContaining({ from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }),
      ]);
    });

    it("lets the instances out on HTTPS only", () => {
      const fromInstances = Object.values(synth.resources("aws_vpc_security_group_egress_rule")).filter(
        (rule: any) => rule.security_group_id === instanceSg,
      );
      expect(fromInstances).toEqual([
        expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }),
      ]);
    });

    it("opens port 22 nowhere", () => {
      const rules = [
        ...Object.values(synth.resources("aws_vpc_security_group_ingress_rule")),
        ...Object.values(synth.resources("aws_vpc_security_group_egress_rule")),
      ] as any[];
      for (const rule of rules) expect(rule.from_port <= 22 && rule.to_port >= 22).toBe(false);
    });
  });

  describe("instance role", () => {
    it("can be assumed by EC2 only", () => {
      const role = synth.only("aws_iam_role");
      expect(role.name).toBe("prod-web-instance");
      expect(JSON.parse(role.assume_role_policy)).toEqual({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
    });

    it("carries AmazonSSMManagedInstanceCore for Session Manager and backs the instance profile", () => {
      expect(synth.only("aws_iam_role_policy_attachment")).toEqual({
        role: ref("aws_iam_role", roleId, "name"),
        policy_arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      });
      expect(synth.only("aws_iam_instance_profile")).toMatchObject({
        name: "prod-web-instance",
        role: ref("aws_iam_role", roleId, "name"),
      });
    });
  });

  it("exposes references for wiring", () => {
    const wired = synthWith("aws", (scope) => {
      const group = buildIn(scope);
      new TerraformOutput(scope, "sg", { value: group.securityGroupId });
      new TerraformOutput(scope, "asg-name", { value: group.autoScalingGroupName });
      new TerraformOutput(scope, "asg-arn", { value: group.autoScalingGroupArn });
      new TerraformOutput(scope, "lt", { value: group.launchTemplateId });
      new TerraformOutput(scope, "role", { value: group.instanceRoleName });
      expect(group.port).toBe(8080);
    });
    const outputs = wired.outputs();
    expect(outputs.sg.value).toBe(instanceSg);
    expect(outputs["asg-name"].value).toBe(ref("aws_autoscaling_group", groupId, "name"));
    expect(outputs["asg-arn"].value).toBe(ref("aws_autoscaling_group", groupId, "arn"));
    expect(outputs.lt.value).toBe(ref("aws_launch_template", launchTemplateId, "id"));
    expect(outputs.role.value).toBe(ref("aws_iam_role", roleId, "name"));
  });

  describe("options", () => {
    it("applies explicit sizes, volume, grace period, CPU target, refresh threshold and image", () => {
      const custom = build({
        desiredCapacity: 3,
        rootVolumeSizeGb: 40,
        rootDeviceName: "/dev/sda1",
        healthCheckGracePeriodSeconds: 120,
        cpuTargetPercent: 45,
        instanceRefreshMinHealthyPercent: 50,
        imageId: "ami-0123456789abcdef0",
        detailedMonitoring: false,
      });
      const group = custom.only("aws_autoscaling_group");
      expect(group.desired_capacity).toBe(3);
      expect(group.health_check_grace_period).toBe(120);
      expect(group.instance_refresh.preferences).toEqual({ min_healthy_percentage: 50, max_healthy_percentage: 150 });
      expect(custom.only("aws_autoscaling_policy").target_tracking_configuration.target_value).toBe(45);
      const template = custom.only("aws_launch_template");
      expect(template.image_id).toBe("ami-0123456789abcdef0");
      expect(template.monitoring).toEqual({ enabled: false });
      expect(template.block_device_mappings[0]).toMatchObject({ device_name: "/dev/sda1", ebs: { volume_size: 40 } });
    });

    it("picks the arm64 image for Graviton instance types", () => {
      expect(build({ instanceType: "t4g.medium" }).only("aws_launch_template").image_id).toBe(DEFAULT_ARM64_IMAGE_ID);
      for (const type of ["t4g.small", "m7gd.large", "c6gn.xlarge", "im4gn.large", "r8g.medium", "a1.large"]) {
        expect(isGravitonInstanceType(type)).toBe(true);
      }
      for (const type of ["t3.medium", "m7i-flex.large", "g4dn.xlarge", "c7a.large", "m5zn.large", "gr6.4xlarge"]) {
        expect(isGravitonInstanceType(type)).toBe(false);
      }
    });

    it("lets Terraform encode user data that is only known at apply time", () => {
      const synthesized = synthWith("aws", (scope) => {
        const other = new SecurityGroup(scope, "other", { name: "other", vpcId: "vpc-123" });
        buildIn(scope, { userData: `#!/bin/bash\necho ${other.id}\n` });
      });
      expect(synthesized.only("aws_launch_template").user_data).toBe(
        '${base64encode("#!/bin/bash\\necho ${aws_security_group.other.id}\\n")}',
      );
    });

    it("omits user data when none is given", () => {
      expect(build({ userData: undefined }).only("aws_launch_template").user_data).toBeUndefined();
    });
  });

  describe("publicIp (NAT-less network, public subnets)", () => {
    const publicSynth = build({ publicIp: true, subnetIds: ["subnet-public-a", "subnet-public-b"] });
    const template = publicSynth.only("aws_launch_template");
    const publicSg = ref("aws_security_group", idOf(publicSynth, "aws_security_group", (g) => g.name === "prod-web-instances"), "id");

    it("associates a public IPv4 address on the same interface, which still carries the only security group", () => {
      expect(template.network_interfaces).toEqual([
        { device_index: 0, associate_public_ip_address: "true", delete_on_termination: "true", security_groups: [publicSg] },
      ]);
      expect(template.vpc_security_group_ids).toBeUndefined();
      expect(publicSynth.only("aws_autoscaling_group").vpc_zone_identifier).toEqual(["subnet-public-a", "subnet-public-b"]);
    });

    it("admits only the load balancer, as without a public address, and keeps IMDSv2", () => {
      const ingress = Object.values(publicSynth.resources("aws_vpc_security_group_ingress_rule"));
      expect(ingress).toEqual([expect.objectContaining({ security_group_id: publicSg, referenced_security_group_id: albSg })]);
      expect(ingress[0].cidr_ipv4).toBeUndefined();
      expect(template.metadata_options).toEqual(synth.only("aws_launch_template").metadata_options);
    });

    it("is off unless asked for", () => {
      expect(build({ publicIp: false }).only("aws_launch_template").network_interfaces[0].associate_public_ip_address).toBe("false");
      expect(props({ publicIp: "yes" as any })).toThrow(
        `InstanceGroup 'web': publicIp: "yes" is not a boolean (true for public subnets without NAT, false otherwise)`,
      );
    });
  });

  describe("validation", () => {
    const error = (prop: string) => `InstanceGroup 'web': ${prop}: `;

    it("rejects invalid names", () => {
      expect(props({ name: "9web" })).toThrow(`${error("name")}"9web" is not a valid name (letters, digits and hyphens`);
      expect(props({ name: "web_1" })).toThrow(error("name"));
      expect(props({ name: "w".repeat(49) })).toThrow("at most 48 characters");
      expect(props({ name: "sg-web" })).toThrow(`${error("name")}"sg-web" starts with "sg-"`);
    });

    it("requires a VPC, subnets and a target group", () => {
      expect(props({ vpcId: "" })).toThrow(`${error("vpcId")}is empty`);
      expect(props({ subnetIds: [] })).toThrow(`${error("subnetIds")}no subnet given (at least one subnet id: private ones, or public ones with publicIp)`);
      expect(props({ targetGroupArn: "" })).toThrow(`${error("targetGroupArn")}is empty`);
    });

    it("fails synthesis when no load balancer was admitted, naming the construct and the call to make", () => {
      expect(() => synthValidated((scope) => buildIn(scope, {}, false))).toThrow(
        "[test/web] InstanceGroup 'web': no load balancer admitted (call allowFrom(loadBalancer) with the load balancer of its target group; " +
          "until then neither requests nor health checks reach the instances)",
      );
      expect(() => synthValidated((scope) => buildIn(scope))).not.toThrow();
    });

    it("allowFrom refuses a peer without a security group, itself, and a second load balancer", () => {
      const allowFrom = (peer: (group: InstanceGroup) => { securityGroupId: string }) => () =>
        synthWith("aws", (scope) => {
          const group = buildIn(scope, {}, false);
          group.allowFrom(peer(group));
        });
      expect(allowFrom(() => ({ securityGroupId: "" }))).toThrow(
        "InstanceGroup 'web': allowFrom: the peer has no securityGroupId (pass a LoadBalancer, InstanceGroup or Database)",
      );
      expect(allowFrom(() => undefined as any)).toThrow("InstanceGroup 'web': allowFrom: the peer has no securityGroupId");
      expect(allowFrom((group) => group)).toThrow("InstanceGroup 'web': allowFrom: a construct cannot admit itself");
      // A wiring mistake in the stack, not in an environment file: no PropsError (which the app reports as a config problem).
      expect(allowFrom(() => ({ securityGroupId: "" }))).not.toThrow(PropsError);
      expect(() =>
        synthWith("aws", (scope) => {
          const group = buildIn(scope);
          group.allowFrom({ securityGroupId: "sg-0123456789abcdef0" });
        }),
      ).toThrow("InstanceGroup 'web': allowFrom: a load balancer is already admitted (one target group, so one load balancer)");
    });

    it("rejects malformed instance types", () => {
      expect(props({ instanceType: "medium" })).toThrow(`${error("instanceType")}"medium" is not an EC2 instance type`);
    });

    it("rejects ports outside 1-65535 and the SSH port", () => {
      expect(props({ port: 0 })).toThrow(`${error("port")}0 is not a TCP port (an integer from 1 to 65535)`);
      expect(props({ port: 65536 })).toThrow(`${error("port")}65536 is not a TCP port`);
      expect(props({ port: 80.5 })).toThrow(`${error("port")}80.5 is not a TCP port`);
      expect(props({ port: 22 })).toThrow(`${error("port")}22 is the SSH port (shell access goes through SSM Session Manager`);
    });

    it("enforces 0 <= min <= desired <= max and max >= 1", () => {
      expect(props({ minSize: -1 })).toThrow(`${error("minSize")}-1 is not allowed (an integer >= 0)`);
      expect(props({ minSize: 0, maxSize: 0 })).toThrow(`${error("maxSize")}0 is not allowed (an integer >= 1)`);
      expect(props({ minSize: 5, maxSize: 3 })).toThrow(`${error("minSize")}5 is greater than maxSize 3 (minSize <= maxSize)`);
      expect(props({ desiredCapacity: 1 })).toThrow(`${error("desiredCapacity")}1 is outside minSize..maxSize (an integer from 2 to 6)`);
      expect(props({ desiredCapacity: 7 })).toThrow(`${error("desiredCapacity")}7 is outside minSize..maxSize`);
      expect(props({ minSize: 0, maxSize: 1, desiredCapacity: 0 })).not.toThrow();
    });

    it("rejects out-of-range volume, grace period, CPU target and refresh threshold", () => {
      expect(props({ rootVolumeSizeGb: 4 })).toThrow(`${error("rootVolumeSizeGb")}4 is not allowed (an integer from 8 to 16384)`);
      expect(props({ rootDeviceName: "xvda" })).toThrow(`${error("rootDeviceName")}"xvda" is not a device name`);
      expect(props({ healthCheckGracePeriodSeconds: -5 })).toThrow(`${error("healthCheckGracePeriodSeconds")}-5 is not allowed`);
      expect(props({ cpuTargetPercent: 0 })).toThrow(`${error("cpuTargetPercent")}0 is not allowed (a percentage from 1 to 100)`);
      expect(props({ cpuTargetPercent: 101 })).toThrow(`${error("cpuTargetPercent")}101 is not allowed`);
      expect(props({ cpuTargetPercent: 100 })).not.toThrow();
      expect(props({ instanceRefreshMinHealthyPercent: 101 })).toThrow(
        `${error("instanceRefreshMinHealthyPercent")}101 is not allowed (an integer percentage from 0 to 100)`,
      );
      expect(props({ imageId: "" })).toThrow(`${error("imageId")}is empty`);
    });
  });
});
