import json, uuid, datetime, sys
kinds=[("elma365","ELMA365"),("vision-ellcom","Vision Ellcom → WB Point"),("eis-token","ЕИС → РИС"),("ivideon-pass24","Ivideon → PASS24.online"),("eis-bft","ЕИС → БФТ.Закупки")]
today=datetime.date.today()
out=[]
n=int(sys.argv[2])
for i in range(n):
    flow,system=kinds[i%5]
    c={"id":str(uuid.uuid4()),"name":f"{system} — пункт выдачи заказов на улице Героев-Североморцев, дом {i}, корпус 2","flow":flow,"system":system,
       "created":"2026-11-01T10:00:00Z","fields":{},"tables":{},"secrets":[],
       "expires":(today+datetime.timedelta(days=i%60)).isoformat()}
    if i%3==0:
        c["last_check"]={"at":"2026-11-30T10:00:00Z","kind":"no_secret" if i%2==0 else "rejected","detail":"Сервер ответил 401"}
    if i%5==1: c["pending_step"]=3
    out.append(c)
json.dump({"version":1,"connections":out},open(sys.argv[1]+"/connections.json","w"),ensure_ascii=False)
