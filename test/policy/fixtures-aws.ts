/** The smallest AWS resources that break each AWS rule, built with the bindings. */
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DbInstance, DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { FiringCase } from "./firing-case";

/** An RDS instance that satisfies every AWS rule except what `overrides` breaks. */
export function compliantDatabase(scope: Construct, id: string, overrides: Partial<DbInstanceConfig> = {}): DbInstance {
  const parameters = new DbParameterGroup(scope, `${id}-parameters`, {
    family: "mysql8.0",
    parameter: [{ name: "require_secure_transport", value: "1" }],
  });
  return new DbInstance(scope, id, {
    instanceClass: "db.t4g.small",
    engine: "mysql",
    allocatedStorage: 20,
    manageMasterUserPassword: true,
    username: "admin_user",
    storageEncrypted: true,
    publiclyAccessible: false,
    parameterGroupName: parameters.name,
    backupRetentionPeriod: 7,
    deletionProtection: true,
    multiAz: true,
    ...overrides,
  });
}

/** An ALB with its security group, as the project builds it (compliant). */
export function compliantLoadBalancer(scope: Construct, id: string): { group: SecurityGroup; alb: Lb } {
  const group = new SecurityGroup(scope, `${id}-group`, { name: `${id}-alb`, vpcId: "vpc-1" });
  const alb = new Lb(scope, id, {
    name: id,
    securityGroups: [group.id],
    subnets: ["subnet-a", "subnet-b"],
    dropInvalidHeaderFields: true,
    enableDeletionProtection: true,
  });
  return { group, alb };
}

/** The instances' security group as the project builds it: tcp 3000 from the load balancer's group only. */
export function instancesBehind(scope: Construct, loadBalancerGroup: SecurityGroup): SecurityGroup {
  const instances = new SecurityGroup(scope, "instances", { vpcId: "vpc-1" });
  new VpcSecurityGroupIngressRule(scope, "from-alb", {
    securityGroupId: instances.id,
    ipProtocol: "tcp",
    fromPort: 3000,
    toPort: 3000,
    referencedSecurityGroupId: loadBalancerGroup.id,
  });
  return instances;
}

export function compliantLaunchTemplate(scope: Construct, id: string): LaunchTemplate {
  return new LaunchTemplate(scope, id, {
    name: id,
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
    networkInterfaces: [{ associatePublicIpAddress: "false", deviceIndex: 0 }],
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } }],
  });
}

const world = (scope: Construct, id: string, protocol: string, from: number | undefined, to: number | undefined, groupId = "sg-1") =>
  new VpcSecurityGroupIngressRule(scope, id, { securityGroupId: groupId, ipProtocol: protocol, fromPort: from, toPort: to, cidrIpv4: "0.0.0.0/0" });

export const AWS_FIRING_CASES: FiringCase[] = [
  {
    rule: "AWS-SG-INGRESS-ADMIN-OPEN",
    name: "SSH from 0.0.0.0/0 (ingress rule resource)",
    cloud: "aws",
    build: (scope) => world(scope, "ssh", "tcp", 22, 22),
    type: "aws_vpc_security_group_ingress_rule",
    resource: "ssh",
    detail: "tcp 22 (SSH 22) from 0.0.0.0/0",
  },
  {
    rule: "AWS-SG-INGRESS-ADMIN-OPEN",
    name: "all traffic from ::/0 (inline ingress)",
    cloud: "aws",
    build: (scope) =>
      new SecurityGroup(scope, "open-group", {
        vpcId: "vpc-1",
        ingress: [
          { protocol: "tcp", fromPort: 3000, toPort: 3000, securityGroups: ["sg-2"] },
          { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] },
        ],
      }),
    type: "aws_security_group",
    resource: "open-group",
    detail: "ingress[1] all protocols and ports from ::/0",
  },
  {
    rule: "AWS-SG-INGRESS-ADMIN-OPEN",
    name: "RDP from anywhere even on the load balancer's group",
    cloud: "aws",
    build: (scope) => {
      const { group } = compliantLoadBalancer(scope, "alb");
      new VpcSecurityGroupIngressRule(scope, "rdp", {
        securityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: 3389,
        toPort: 3389,
        cidrIpv4: "0.0.0.0/0",
      });
    },
    type: "aws_vpc_security_group_ingress_rule",
    resource: "rdp",
    detail: "tcp 3389 (RDP 3389) from 0.0.0.0/0",
  },
  {
    rule: "AWS-SG-INGRESS-ADMIN-OPEN",
    name: "all tcp ports (aws_security_group_rule)",
    cloud: "aws",
    build: (scope) =>
      new SecurityGroupRule(scope, "all-tcp", {
        type: "ingress",
        securityGroupId: "sg-1",
        protocol: "tcp",
        fromPort: 0,
        toPort: 65535,
        cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"],
      }),
    type: "aws_security_group_rule",
    resource: "all-tcp",
    detail: "all tcp ports from 0.0.0.0/0",
  },
  {
    rule: "AWS-SG-INGRESS-OPEN",
    name: "database port from 0.0.0.0/0",
    cloud: "aws",
    build: (scope) => world(scope, "postgres", "tcp", 5432, 5432),
    type: "aws_vpc_security_group_ingress_rule",
    resource: "postgres",
    detail: "tcp 5432 from 0.0.0.0/0",
  },
  {
    rule: "AWS-SG-INGRESS-OPEN",
    name: "HTTPS from 0.0.0.0/0 on a group no load balancer uses",
    cloud: "aws",
    build: (scope) => {
      compliantLoadBalancer(scope, "alb");
      const instances = new SecurityGroup(scope, "instances", { vpcId: "vpc-1" });
      world(scope, "https-to-instances", "tcp", 443, 443, instances.id);
    },
    type: "aws_vpc_security_group_ingress_rule",
    resource: "https-to-instances",
    detail: "tcp 443 from 0.0.0.0/0 on a group no load balancer uses",
  },
  {
    rule: "AWS-EC2-PUBLIC-IP",
    name: "launch template network interface with a public IP",
    cloud: "aws",
    build: (scope) =>
      new LaunchTemplate(scope, "template", {
        metadataOptions: { httpTokens: "required" },
        networkInterfaces: [{ associatePublicIpAddress: "true", deviceIndex: 0 }],
      }),
    type: "aws_launch_template",
    resource: "template",
    detail: 'network_interfaces[0].associate_public_ip_address is "true"',
  },
  {
    rule: "AWS-VPC-SUBNET-PUBLIC-IP",
    name: "subnet mapping public IPs on launch",
    cloud: "aws",
    build: (scope) => new Subnet(scope, "public", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: true }),
    type: "aws_subnet",
    resource: "public",
    detail: "map_public_ip_on_launch is true",
  },
  {
    rule: "AWS-EC2-IMDSV2",
    name: "IMDSv1 allowed",
    cloud: "aws",
    build: (scope) => new LaunchTemplate(scope, "template", { metadataOptions: { httpTokens: "optional" } }),
    type: "aws_launch_template",
    resource: "template",
    detail: 'metadata_options.http_tokens is "optional" (must be "required")',
  },
  {
    rule: "AWS-EC2-IMDSV2",
    name: "no metadata options at all",
    cloud: "aws",
    build: (scope) => new LaunchTemplate(scope, "template", { name: "bare" }),
    type: "aws_launch_template",
    resource: "template",
    detail: 'metadata_options.http_tokens is not set (must be "required")',
  },
  {
    rule: "AWS-EBS-ENCRYPTED",
    name: "unencrypted root volume",
    cloud: "aws",
    build: (scope) =>
      new LaunchTemplate(scope, "template", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }),
    type: "aws_launch_template",
    resource: "template",
    detail: 'block_device_mappings[0] (/dev/xvda) ebs.encrypted is "false"',
  },
  {
    rule: "AWS-EBS-ENCRYPTED",
    name: "root volume left to the AMI default",
    cloud: "aws",
    build: (scope) => new LaunchTemplate(scope, "template", { name: "no-volumes" }),
    type: "aws_launch_template",
    resource: "template",
    detail: "no block_device_mappings with ebs: the root volume's encryption is left to the AMI and account default",
  },
  {
    rule: "AWS-RDS-ENCRYPTED",
    name: "unencrypted RDS storage",
    cloud: "aws",
    build: (scope) => compliantDatabase(scope, "db", { storageEncrypted: false }),
    type: "aws_db_instance",
    resource: "db",
    detail: "storage_encrypted is false",
  },
  {
    rule: "AWS-RDS-PUBLIC",
    name: "publicly accessible RDS",
    cloud: "aws",
    build: (scope) => compliantDatabase(scope, "db", { publiclyAccessible: true }),
    type: "aws_db_instance",
    resource: "db",
    detail: "publicly_accessible is true",
  },
  {
    rule: "AWS-RDS-TLS",
    name: "parameter group that does not enforce TLS",
    cloud: "aws",
    build: (scope) => {
      const lax = new DbParameterGroup(scope, "lax", { family: "mysql8.0", parameter: [{ name: "slow_query_log", value: "1" }] });
      compliantDatabase(scope, "db", { parameterGroupName: lax.name });
    },
    type: "aws_db_instance",
    resource: "db",
    detail: "parameter group lax sets neither require_secure_transport nor rds.force_ssl to 1",
  },
  {
    rule: "AWS-RDS-TLS",
    name: "default parameter group",
    cloud: "aws",
    build: (scope) => compliantDatabase(scope, "db", { parameterGroupName: undefined }),
    type: "aws_db_instance",
    resource: "db",
    detail: "parameter_group_name is not set: the engine's default group does not enforce TLS",
  },
  {
    rule: "AWS-ELB-TLS12",
    name: "HTTPS listener admitting TLS 1.0",
    cloud: "aws",
    build: (scope) =>
      new LbListener(scope, "https", {
        loadBalancerArn: "arn:lb",
        port: 443,
        protocol: "HTTPS",
        certificateArn: "arn:cert",
        sslPolicy: "ELBSecurityPolicy-2016-08",
        defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
      }),
    type: "aws_lb_listener",
    resource: "https",
    detail: 'HTTPS listener ssl_policy is "ELBSecurityPolicy-2016-08" (admits TLS below 1.2 or is unknown)',
  },
  {
    rule: "AWS-ELB-TLS12",
    name: "TLS13 policy that still admits TLS 1.1",
    cloud: "aws",
    build: (scope) =>
      new LbListener(scope, "https", {
        loadBalancerArn: "arn:lb",
        port: 443,
        protocol: "HTTPS",
        certificateArn: "arn:cert",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06",
        defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
      }),
    type: "aws_lb_listener",
    resource: "https",
    detail: 'HTTPS listener ssl_policy is "ELBSecurityPolicy-TLS13-1-1-2021-06" (admits TLS below 1.2 or is unknown)',
  },
  {
    rule: "AWS-ELB-HTTP-REDIRECT",
    name: "HTTP listener forwarding to a target group",
    cloud: "aws",
    build: (scope) =>
      new LbListener(scope, "http", {
        loadBalancerArn: "arn:lb",
        port: 80,
        protocol: "HTTP",
        defaultAction: [{ type: "forward", targetGroupArn: "arn:tg" }],
      }),
    type: "aws_lb_listener",
    resource: "http",
    detail: 'default_action[0] is "forward", not a redirect to HTTPS',
  },
  {
    rule: "AWS-ELB-HTTP-REDIRECT",
    name: "HTTP listener that redirects but has a forwarding listener rule",
    cloud: "aws",
    build: (scope) => {
      const http = new LbListener(scope, "http", {
        loadBalancerArn: "arn:lb",
        port: 80,
        protocol: "HTTP",
        defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      });
      new LbListenerRule(scope, "plain-api", {
        listenerArn: http.arn,
        action: [{ type: "forward", targetGroupArn: "arn:tg" }],
        condition: [{ hostHeader: { values: ["api.example.com"] } }],
      });
    },
    type: "aws_lb_listener",
    resource: "http",
    detail: "listener rule plain-api serves plain HTTP instead of redirecting",
  },
  {
    rule: "AWS-ELB-HTTP-REDIRECT",
    name: "ALB listener without a protocol (HTTP by default) forwarding",
    cloud: "aws",
    build: (scope) => {
      const { alb } = compliantLoadBalancer(scope, "alb");
      new LbListener(scope, "default-protocol", { loadBalancerArn: alb.arn, port: 8080, defaultAction: [{ type: "forward", targetGroupArn: "arn:tg" }] });
    },
    type: "aws_lb_listener",
    resource: "default-protocol",
    detail: 'default_action[0] is "forward", not a redirect to HTTPS',
  },
  {
    rule: "AWS-ALB-DROP-INVALID-HEADERS",
    name: "ALB keeping invalid header fields",
    cloud: "aws",
    build: (scope) => new Lb(scope, "alb", { name: "alb", subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-1"] }),
    type: "aws_lb",
    resource: "alb",
    detail: "drop_invalid_header_fields is not set",
  },
  {
    rule: "AWS-RDS-BACKUP-RETENTION",
    name: "3 days of backups in production",
    cloud: "aws",
    production: true,
    build: (scope) => compliantDatabase(scope, "db", { backupRetentionPeriod: 3 }),
    type: "aws_db_instance",
    resource: "db",
    detail: "backup_retention_period is 3 (at least 7)",
  },
  {
    rule: "AWS-RDS-DELETION-PROTECTION",
    name: "production database without deletion protection",
    cloud: "aws",
    production: true,
    build: (scope) => compliantDatabase(scope, "db", { deletionProtection: false }),
    type: "aws_db_instance",
    resource: "db",
    detail: "deletion_protection is false",
  },
  {
    rule: "AWS-RDS-MULTI-AZ",
    name: "single-AZ production database",
    cloud: "aws",
    production: true,
    build: (scope) => compliantDatabase(scope, "db", { multiAz: undefined }),
    type: "aws_db_instance",
    resource: "db",
    detail: "multi_az is not set",
  },
  {
    rule: "AWS-ALB-DELETION-PROTECTION",
    name: "production ALB without deletion protection",
    cloud: "aws",
    production: true,
    build: (scope) =>
      new Lb(scope, "alb", { name: "alb", subnets: ["subnet-a"], dropInvalidHeaderFields: true, enableDeletionProtection: false }),
    type: "aws_lb",
    resource: "alb",
    detail: "enable_deletion_protection is false",
  },
  {
    rule: "AWS-ASG-ELB-HEALTH-CHECK",
    name: "production ASG behind a target group using EC2 health checks",
    cloud: "aws",
    production: true,
    build: (scope) =>
      new AutoscalingGroup(scope, "group", {
        minSize: 2,
        maxSize: 4,
        launchTemplate: { id: compliantLaunchTemplate(scope, "template").id, version: "$Latest" },
        targetGroupArns: ["arn:tg"],
        vpcZoneIdentifier: ["subnet-a"],
        healthCheckType: "EC2",
      }),
    type: "aws_autoscaling_group",
    resource: "group",
    detail: 'health_check_type is "EC2" (the EC2 default ignores the load balancer\'s health check)',
  },
];
