/**
 * Request bodies the docker CLI 28.2.2 sent for `POST /containers/create` (captured by pointing
 * it at a recording server on a unix socket), for comparing lading's create/run requests key
 * by key and value by value. docker's encoder ends the body with a newline; it is trimmed here.
 */

/** `docker create busybox` */
export const DOCKER_CREATE_PLAIN =
  '{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"Image":"busybox","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":false,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}';

/**
 * `docker create --name web -e A=1 -w /x -u nobody --entrypoint /bin/sh -h hh --rm -i -t
 * -l a=b --stop-signal SIGINT --stop-timeout 5 --read-only --tmpfs /run:size=1m --privileged
 * --cap-add NET_ADMIN --cap-drop ALL --security-opt no-new-privileges --ulimit nofile=10:20
 * --shm-size 64m --init --platform linux/amd64 --network none -p 127.0.0.1:8080:80 -P
 * -v /a:/b:ro -v /c --mount type=bind,src=/x,dst=/y --add-host h:1.2.3.4 --dns 8.8.8.8
 * --dns-search ex.com --dns-option ndots:2 busybox echo hi` (stdout not a terminal), sent to
 * /v1.47/containers/create?name=web&platform=linux%2Famd64
 */
export const DOCKER_CREATE_FULL =
  '{"Hostname":"hh","Domainname":"","User":"nobody","AttachStdin":true,"AttachStdout":true,"AttachStderr":true,"ExposedPorts":{"80/tcp":{}},"Tty":true,"OpenStdin":true,"StdinOnce":true,"Env":["A=1"],"Cmd":["echo","hi"],"Image":"busybox","Volumes":{"/c":{}},"WorkingDir":"/x","Entrypoint":["/bin/sh"],"OnBuild":null,"Labels":{"a":"b"},"StopSignal":"SIGINT","StopTimeout":5,"HostConfig":{"Binds":["/a:/b:ro"],"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"none","PortBindings":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}]},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":["CAP_NET_ADMIN"],"CapDrop":["ALL"],"CgroupnsMode":"","Dns":["8.8.8.8"],"DnsOptions":["ndots:2"],"DnsSearch":["ex.com"],"ExtraHosts":["h:1.2.3.4"],"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":true,"PublishAllPorts":true,"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"],"Tmpfs":{"/run":"size=1m"},"UTSMode":"","UsernsMode":"","ShmSize":67108864,"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":[{"Name":"nofile","Hard":20,"Soft":10}],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"Mounts":[{"Type":"bind","Source":"/x","Target":"/y"}],"MaskedPaths":null,"ReadonlyPaths":null,"Init":true},"NetworkingConfig":{"EndpointsConfig":{}}}';

export const DOCKER_CREATE_FULL_ARGS = [
  'create',
  '--name',
  'web',
  '-e',
  'A=1',
  '-w',
  '/x',
  '-u',
  'nobody',
  '--entrypoint',
  '/bin/sh',
  '-h',
  'hh',
  '--rm',
  '-i',
  '-t',
  '-l',
  'a=b',
  '--stop-signal',
  'SIGINT',
  '--stop-timeout',
  '5',
  '--read-only',
  '--tmpfs',
  '/run:size=1m',
  '--privileged',
  '--cap-add',
  'NET_ADMIN',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--ulimit',
  'nofile=10:20',
  '--shm-size',
  '64m',
  '--init',
  '--platform',
  'linux/amd64',
  '--network',
  'none',
  '-p',
  '127.0.0.1:8080:80',
  '-P',
  '-v',
  '/a:/b:ro',
  '-v',
  '/c',
  '--mount',
  'type=bind,src=/x,dst=/y',
  '--add-host',
  'h:1.2.3.4',
  '--dns',
  '8.8.8.8',
  '--dns-search',
  'ex.com',
  '--dns-option',
  'ndots:2',
  'busybox',
  'echo',
  'hi',
];
